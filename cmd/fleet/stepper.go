package main

import (
	"context"
	"fmt"

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
	if _, err := hs.agent.Switch(ctx, agent.SwitchArgs{Version: s.To}); err != nil {
		return fmt.Errorf("switch to %s: %w", s.To, err)
	}
	st.step(s, "restart", "")
	if _, err := hs.agent.Restart(ctx, agent.RestartArgs{}); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	st.step(s, "gate", "")
	_, err := hs.agent.Health(ctx, agent.HealthArgs{}, func(ev agent.Event) {
		st.step(s, "gate", ev.Message)
	})
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	return nil
}

func (st *stepper) step(s plan.Step, name, msg string) {
	st.out.emit(event{Kind: "host_step", Host: s.Host, Wave: s.Wave, Step: name, From: s.From, To: s.To, Message: msg})
}
