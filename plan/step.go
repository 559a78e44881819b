package plan

import "context"

// StepKind is what Host.Apply is asked to do to one host.
type StepKind string

// Rolling steps. Step.Mode says how the host performs them.
const (
	// StepActivate moves the host to Step.To and runs the health gate.
	// ModeInPlace: switch, restart, gate; the host is out of service
	// meanwhile. ModeSurge: start Step.To in the idle slot, gate it, then
	// drain and stop the old slot; the host keeps serving.
	StepActivate StepKind = "activate"
	// StepRevert is the same step back to the earlier version; Run uses it
	// for every host of a KindRollback plan (rolling, not blue/green).
	StepRevert StepKind = "revert"
)

// Blue/green steps (StrategyBlueGreen). Their Mode is always ModeSurge,
// and every step of one host names the same slots: Step.Slot the one
// prepared, Step.Serving the one that served before.
const (
	// StepPrepare starts Step.To in the host's idle slot, registers it
	// and runs the health gate, without sending it traffic.
	StepPrepare StepKind = "prepare"
	// StepCutover moves the host's traffic from the old slot
	// (Step.Serving) to the new one (Step.Slot); the old slot keeps
	// running. Run cuts every host over at once.
	StepCutover StepKind = "cutover"
	// StepRetire drains and stops the old slot (Step.Serving, running
	// Step.From) once the whole fleet has cut over.
	StepRetire StepKind = "retire"
	// StepDiscard stops and deregisters the new instance (Step.Slot) of a
	// host that prepared (or failed to) before any traffic moved: the
	// undo of StepPrepare, at no cost to service.
	StepDiscard StepKind = "discard"
	// StepUncut moves the host's traffic back to the old slot
	// (Step.Serving, still running: nothing was retired yet), then stops
	// the new instance (Step.Slot): the undo of StepCutover and
	// StepPrepare together.
	StepUncut StepKind = "uncut"
)

// Mode is how a host changes version.
type Mode string

const (
	// ModeInPlace replaces the running instance: the host is out of
	// service while its step runs, counted against maxUnavailable
	// (Plan.Window).
	ModeInPlace Mode = "in-place"
	// ModeSurge starts the new version in the host's idle slot beside the
	// serving one: no capacity is lost, and the host runs one extra
	// instance meanwhile, counted against maxSurge (Plan.SurgeWindow).
	ModeSurge Mode = "surge"
)

// Step is one unit of work for Host.Apply.
type Step struct {
	Host   string
	Kind   StepKind
	Mode   Mode // ModeInPlace or ModeSurge; never "" (a HostPlan without one goes in place)
	From   string
	To     string
	Wave   int
	Reason string // e.g. "wave 2/5: maxUnavailable=1"
	// Slot is the slot the step acts on, on a host with two ("" on one
	// without): where a surge or a prepare starts To, or the one an
	// in-place step replaces. The host's Target.Slots decide it.
	Slot string
	// Serving is the slot that served when the plan was made ("" before
	// a host's first deploy): the one a surge retires once Slot serves.
	// A rolling revert of a surge names the slot the rollout brought up,
	// which serves only if the rollout got as far as moving traffic.
	Serving string
}

// Host is the only seam between plan and the outside world; cmd/fleet
// implements it over the agent. Apply must be safe for concurrent calls
// on different hosts.
type Host interface {
	Apply(ctx context.Context, s Step) error
}

// stepMode is the mode Run applies for a planned mode: ModeSurge, or in
// place for anything else.
func stepMode(m Mode) Mode {
	if m == ModeSurge {
		return ModeSurge
	}
	return ModeInPlace
}
