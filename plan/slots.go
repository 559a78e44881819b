package plan

// Slots names a host's two slots (Target.Surge), so that each of its
// steps says which slot it acts on and which one serves; both are "" on
// a host without slots. plan never chooses a slot: it carries the names
// from the target to the steps.
type Slots struct {
	Serving string // the slot that serves; "" before the host's first deploy
	Idle    string // the other one, where a surge starts the new version
}

// forStep is the Step.Slot and Step.Serving of a step in mode m: a surge
// (and every blue/green step) acts on the idle slot beside the serving
// one; an in-place step replaces the serving one, or takes the idle one
// on a host that serves nothing yet.
func (sl Slots) forStep(m Mode) (slot, serving string) {
	if m == ModeSurge || sl.Serving == "" {
		return sl.Idle, sl.Serving
	}
	return sl.Serving, sl.Serving
}

// reverted is the slots a rolling revert of a host that went in mode m
// acts on. In place, the same slot. A surge goes back the other way:
// into the slot that served (it still holds the old version), away from
// the one the rollout brought up, which serves if the rollout got as far
// as moving traffic. Whether it did, only the host knows: Host.Apply
// reads it there.
func (sl Slots) reverted(m Mode) Slots {
	if m != ModeSurge {
		return sl
	}
	return Slots{Serving: sl.Idle, Idle: sl.Serving}
}
