package main

import (
	"context"
	"fmt"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/plan"
)

// stepper is plan.Host over the agents: it performs one disruptive step on
// one host (switch, restart, health gate) and reports each part as progress.
type stepper struct {
	fleet *fleetConn
	out   *progress
}

var _ plan.Host = (*stepper)(nil)

func (st *stepper) Apply(ctx context.Context, s plan.Step) error {
	hs := st.fleet.get(s.Host)
	if hs == nil {
		return fmt.Errorf("no session to %s", s.Host)
	}
	if s.To == "" {
		// The host ran no release before this rollout: there is nothing to
		// return to, and fleet will not guess one. It stays as it is and the
		// run reports it as left changed.
		return fmt.Errorf("no earlier release on this host to return to; left on %s", s.From)
	}
	st.step(s, "switch", "")
	if _, err := hs.agent.Switch(ctx, agent.SwitchArgs{Version: s.To, Reject: s.Kind == plan.StepRevert}); err != nil {
		return fmt.Errorf("switch to %s: %w", s.To, err)
	}
	st.step(s, "restart", "")
	if _, err := hs.agent.Restart(ctx, agent.RestartArgs{}); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	st.step(s, "gate", "")
	_, err := hs.agent.Health(ctx, agent.HealthArgs{Version: s.To}, func(ev agent.Event) {
		if ev.Health == nil {
			st.step(s, "gate", ev.Message)
			return
		}
		st.out.emitGate(event{Kind: "host_step", Host: s.Host, Wave: s.Wave, Step: "gate", From: s.From, To: s.To,
			Message: gateText(ev.Health)}, ev.Health.Passing)
	})
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	return nil
}

func (st *stepper) step(s plan.Step, name, msg string) {
	st.out.emit(event{Kind: "host_step", Host: s.Host, Wave: s.Wave, Step: name, From: s.From, To: s.To, Message: msg})
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
