package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/plan"
)

// instanceOps performs one plan step on one host as a sequence of agent
// operations on the host's instances: the single instance ("" slot) or
// one of its two slots.
type instanceOps struct {
	st *stepper
	hs *hostSession
	s  plan.Step
}

// inPlace replaces the instance the step names (Step.Slot: the serving
// slot, the idle one on a host that serves nothing yet, or "" for the
// single instance): out of the load balancer, switch, restart, back in
// only once healthy. It counts against maxUnavailable.
func (in *instanceOps) inPlace(ctx context.Context) error {
	slot := in.s.Slot
	if err := in.drain(ctx, slot); err != nil {
		return err
	}
	if err := in.stepHook(ctx, appspec.HookBeforeStop, slot); err != nil {
		return err
	}
	if err := in.start(ctx, slot); err != nil {
		return err
	}
	return in.admit(ctx, slot)
}

// surge starts the new version in the step's slot beside the serving one,
// admits it once healthy, then drains and stops the one that served:
// capacity never drops, and one extra instance runs meanwhile (maxSurge).
// When the host already serves the target from one of the step's two
// slots (a revert after a surge that failed before it moved traffic, or a
// re-run after a controller died mid-gate), that one is admitted and only
// the other is stopped.
func (in *instanceOps) surge(ctx context.Context) error {
	slot, serving := in.surgeSlots()
	if keep, other, ok := in.servesTarget(slot, serving); ok {
		if err := in.admit(ctx, keep); err != nil {
			return err
		}
		return in.retireSlot(ctx, other)
	}
	if err := in.start(ctx, slot); err != nil {
		return err
	}
	if err := in.admit(ctx, slot); err != nil {
		return err
	}
	return in.retireSlot(ctx, serving)
}

// surgeSlots is the step's slot and serving slot. A step that names no
// slot to act on is the revert of a host's first deploy on slots (its
// Serving is the slot that deploy brought up): back into that slot while
// the host serves nothing, else into the other one.
func (in *instanceOps) surgeSlots() (slot, serving string) {
	slot, serving = in.s.Slot, in.s.Serving
	if slot != "" || serving == "" {
		return slot, serving
	}
	if in.hs.serving == "" {
		return serving, ""
	}
	for _, s := range in.st.slots {
		if s != serving {
			return s, serving
		}
	}
	return slot, serving
}

// servesTarget reports the slot of the pair that the host serves
// from when it already runs the step's version, and the other one. Which
// slot serves is the host's word (its status, then each serve's reply):
// the plan cannot know whether the step a revert undoes got as far as
// moving traffic.
func (in *instanceOps) servesTarget(slot, serving string) (keep, other string, ok bool) {
	cur := in.hs.serving
	switch {
	case cur == "" || in.hs.slotVersion[cur] != in.s.To:
		return "", "", false
	case cur == serving:
		return cur, slot, true
	case cur == slot:
		return cur, serving, true
	}
	return "", "", false
}

// Blue/green: every step of a host names the same pair, Step.Slot (the
// one prepared) and Step.Serving (the one that served before).

// prepare (blue/green) brings the new version up in the step's slot,
// gated but still in maintenance: no traffic moves yet.
func (in *instanceOps) prepare(ctx context.Context) error {
	if err := in.needSlot(); err != nil {
		return err
	}
	return in.start(ctx, in.s.Slot)
}

// cutover (blue/green) moves traffic: the new instance leaves maintenance,
// serves, and the old one enters maintenance and drains.
func (in *instanceOps) cutover(ctx context.Context) error {
	if err := in.needSlot(); err != nil {
		return err
	}
	if err := in.admit(ctx, in.s.Slot); err != nil {
		return err
	}
	return in.drain(ctx, in.s.Serving)
}

// retire (blue/green) stops the drained old instance.
func (in *instanceOps) retire(ctx context.Context) error {
	if err := in.needSlot(); err != nil {
		return err
	}
	if err := in.stepHook(ctx, appspec.HookBeforeStop, in.s.Serving); err != nil {
		return err
	}
	return in.stop(ctx, in.s.Serving)
}

// discard (blue/green, before cutover) stops the prepared new instance;
// it never took traffic, so this costs nothing.
func (in *instanceOps) discard(ctx context.Context) error {
	if err := in.needSlot(); err != nil {
		return err
	}
	return in.retireSlot(ctx, in.s.Slot)
}

// uncut (blue/green, after a failed cutover) gives traffic back to the old
// instance, which still runs, and stops the new one.
func (in *instanceOps) uncut(ctx context.Context) error {
	if err := in.needSlot(); err != nil {
		return err
	}
	if err := in.admit(ctx, in.s.Serving); err != nil {
		return err
	}
	return in.retireSlot(ctx, in.s.Slot)
}

// needSlot refuses a blue/green step that names no slot: the host has no
// second instance to prepare beside the serving one.
func (in *instanceOps) needSlot() error {
	if in.s.Slot == "" {
		return fmt.Errorf("%s: no slot to act on on this host", in.s.Kind)
	}
	return nil
}

// start points the instance at the step's version and (re)starts it.
func (in *instanceOps) start(ctx context.Context, slot string) error {
	a := in.hs.agent
	in.note("switch", slot)
	if _, err := a.Switch(ctx, agent.SwitchArgs{Version: in.s.To, Slot: slot, Reject: in.s.Kind == plan.StepRevert}); err != nil {
		return onSlot(slot, err)
	}
	if slot != "" {
		in.hs.slotVersion[slot] = in.s.To
	}
	in.note("restart", slot)
	if _, err := a.Restart(ctx, agent.RestartArgs{Slot: slot}); err != nil {
		return onSlot(slot, err)
	}
	if err := in.stepHook(ctx, appspec.HookAfterStart, slot); err != nil {
		return err
	}
	if in.st.consul {
		in.note("register", slot)
		if _, err := a.Register(ctx, agent.RegisterArgs{Slot: slot, Version: in.s.To, Weight: in.entryWeight()}); err != nil {
			return onSlot(slot, err)
		}
	}
	return in.gate(ctx, slot)
}

// entryWeight is the weight the instance registers with: a gray
// release's canary enters at its share; everything else (a revert among
// them) at the normal weight.
func (in *instanceOps) entryWeight() int {
	if in.s.Kind != plan.StepActivate {
		return 0
	}
	return in.st.entryWeight[in.s.Host]
}

// gate runs the host's health gate on the instance.
func (in *instanceOps) gate(ctx context.Context, slot string) error {
	in.note("gate", slot)
	s := in.s
	_, err := in.hs.agent.Health(ctx, agent.HealthArgs{Version: s.To, Slot: slot}, func(ev agent.Event) {
		if ev.Health == nil {
			in.st.step(s, "gate", slot, ev.Message)
			return
		}
		in.st.out.emitGate(Event{Kind: KindHostStep, Host: s.Host, Wave: s.Wave, Step: "gate", Slot: slot, Mode: string(s.Mode),
			From: s.From, To: s.To, LeftMS: time.Duration(ev.Health.Left).Milliseconds(),
			Message: slotPrefix(slot) + gateText(ev.Health)}, ev.Health.Passing)
	})
	if err != nil {
		return onSlot(slot, err)
	}
	return nil
}

// admit puts a healthy instance in service: out of maintenance, and the
// slot that serves.
func (in *instanceOps) admit(ctx context.Context, slot string) error {
	a := in.hs.agent
	if in.st.consul {
		in.note("enable", slot)
		if _, err := a.Enable(ctx, agent.EnableArgs{Slot: slot}); err != nil {
			return onSlot(slot, err)
		}
	}
	if slot != "" {
		res, err := a.ServeSlot(ctx, agent.ServeArgs{Slot: slot})
		if err != nil {
			return onSlot(slot, err)
		}
		in.hs.serving = res.Serving // the host's word, for a later revert (servesTarget)
	}
	return nil
}

// drain takes the instance out of the load balancer and waits the
// inventory's drain time, before anything stops it.
func (in *instanceOps) drain(ctx context.Context, slot string) error {
	if !in.st.consul {
		return nil
	}
	in.note("drain", slot)
	reason := fmt.Sprintf("fleet %s %s: %s -> %s", in.s.Kind, in.st.rolloutID, orNone(in.s.From), in.s.To)
	if _, err := in.hs.agent.Drain(ctx, agent.DrainArgs{Slot: slot, Reason: reason}); err != nil {
		return onSlot(slot, err)
	}
	return nil
}

// retireSlot drains and stops the old slot after a surge; a host's first
// deploy has none.
func (in *instanceOps) retireSlot(ctx context.Context, old string) error {
	if old == "" {
		return nil
	}
	if err := in.drain(ctx, old); err != nil {
		return err
	}
	if err := in.stepHook(ctx, appspec.HookBeforeStop, old); err != nil {
		return err
	}
	return in.stop(ctx, old)
}

func (in *instanceOps) stop(ctx context.Context, slot string) error {
	if slot == "" {
		return nil
	}
	in.note("stop", slot)
	if _, err := in.hs.agent.Stop(ctx, agent.StopArgs{Slot: slot}); err != nil {
		return onSlot(slot, err)
	}
	return nil
}

func (in *instanceOps) note(step, slot string) {
	in.st.step(in.s, step, slot, slotPrefix(slot))
}

// onSlot is an agent call's error on the instance: the error already
// names the op (the agent's message, or the client's "agent <op>"), so
// this layer adds only the slot, on a host that has slots.
func onSlot(slot string, err error) error {
	if slot == "" {
		return err
	}
	return fmt.Errorf("slot %s: %w", slot, err)
}

func slotPrefix(slot string) string {
	if slot == "" {
		return ""
	}
	return "slot " + slot + ": "
}
