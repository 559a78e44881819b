package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/plan"
)

// stepper is plan.Host over the agents: it performs one step on one host
// and reports each part as progress. Which parts a step has depends on the
// host: with Consul, an instance is drained before it stops and put back in
// the load balancer only after its gate; with slots, a surge step starts
// the new version beside the old one.
type stepper struct {
	fleet     *fleetConn
	out       *emitter
	rolloutID string
	consul    bool
	// slots are the app's two slot names, when it has them: a revert of a
	// host's first deploy on slots picks the one to return to (surgeSlots).
	slots []string
	// staged, when set, waits for the host's upload (stage: ahead)
	// before a step that needs the new release.
	staged func(ctx context.Context, host string) error
	// entryWeight is a gray release's canary weight by host: the canary
	// registers at its first step's share, not the normal one.
	entryWeight map[string]int
	// hooks are the app's; the stepper runs before_stop and after_start
	// (hooks.go).
	hooks *appspec.Hooks
}

var _ plan.Host = (*stepper)(nil)

func (st *stepper) Apply(ctx context.Context, s plan.Step) error {
	hs := st.fleet.get(s.Host)
	if hs == nil {
		return fmt.Errorf("no session to %s", s.Host)
	}
	if st.staged != nil && (s.Kind == plan.StepActivate || s.Kind == plan.StepPrepare) {
		if err := st.staged(ctx, s.Host); err != nil {
			return err
		}
	}
	if s.To == "" {
		// The host ran no release before this rollout: there is nothing to
		// return to, and fleet will not guess one. It stays as it is and the
		// run reports it as left changed.
		return fmt.Errorf("no earlier release on this host to return to; left on %s", s.From)
	}
	in := &instanceOps{st: st, hs: hs, s: s}
	switch s.Kind {
	case plan.StepPrepare:
		return in.prepare(ctx)
	case plan.StepCutover:
		return in.cutover(ctx)
	case plan.StepRetire:
		return in.retire(ctx)
	case plan.StepDiscard:
		return in.discard(ctx)
	case plan.StepUncut:
		return in.uncut(ctx)
	}
	if s.Mode == plan.ModeSurge {
		return in.surge(ctx)
	}
	return in.inPlace(ctx)
}

func (st *stepper) step(s plan.Step, name, slot, msg string) {
	st.out.emit(Event{Kind: KindHostStep, Host: s.Host, Wave: s.Wave, Step: name, Slot: slot, Mode: string(s.Mode),
		From: s.From, To: s.To, Message: msg})
}

// gateText is one health round for people: healthy for how long out of the
// minimum, or which check failed, and the time left before the deadline.
func gateText(h *agent.HealthProgress) string {
	left := time.Duration(h.Left).Round(time.Second)
	if h.Passing {
		return fmt.Sprintf("passing for %s, %s left", time.Duration(h.HealthyFor).Round(100*time.Millisecond), left)
	}
	for _, c := range h.Checks {
		if !c.OK {
			return fmt.Sprintf("failing: %s: %s, %s left", c.Check, c.Reason, left)
		}
	}
	return fmt.Sprintf("failing, %s left", left)
}
