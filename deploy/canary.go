package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/report"
)

// afterCanary ends the canary wave: a bake watches the canary hosts'
// health for the bake time (any failing check fails the canary, which the
// plan then rolls back), canary_analysis judges it by its metrics, and a
// pause records the paused rollout on every host (so `fleet promote`
// knows what to finish) and stops the run.
func (t *target) afterCanary(fc *fleetConn, co Canary, id, version string) func(context.Context, []string) error {
	return func(ctx context.Context, canary []string) error {
		if co.Bake > 0 {
			if err := t.bake(ctx, fc, canary, co.Bake); err != nil {
				return err
			}
		}
		if a := t.inv.Strategy.CanaryAnalysis; a != nil {
			err := t.analyse(ctx, fc, canary, -1, a.Spec, t.analysisVars(canary, version))
			if errors.Is(err, errInconclusive) {
				return t.pause(ctx, fc, id, version, err.Error())
			}
			if err != nil {
				return err
			}
		}
		if !co.Pause {
			return nil
		}
		return t.pause(ctx, fc, id, version, "canary done")
	}
}

// pause records the paused rollout on every host and stops the run:
// `fleet promote` finishes it, `fleet rollback` undoes it.
func (t *target) pause(ctx context.Context, fc *fleetConn, id, version, why string) error {
	err := fc.eachHost(ctx, t.hostNames(), t.inv.Strategy.Parallel, "pending", func(ctx context.Context, s *hostSession) error {
		_, err := s.agent.Pending(ctx, agent.PendingArgs{Version: version, RolloutID: id})
		s.pending = err == nil
		return err
	})
	if err != nil {
		return fmt.Errorf("record pause: %w", err)
	}
	t.out.emit(Event{Kind: KindPaused, To: version, Message: why + "; continue with `fleet promote`, or undo with `fleet rollback`"})
	return fmt.Errorf("%s: %w", why, plan.ErrPaused)
}

// bake probes the canary hosts every health interval for d, and records
// the verdict for the report.
func (t *target) bake(ctx context.Context, fc *fleetConn, canary []string, d time.Duration) error {
	t.out.emit(Event{Kind: KindBake, Message: fmt.Sprintf("watching %v for %s", canary, d)})
	start := t.out.now()
	err := t.watch(ctx, fc, canary, d)
	g := &report.Gate{Name: "canary bake", Result: report.WavePassed, Duration: report.Of(t.out.now().Sub(start))}
	if err != nil {
		g.Result, g.Error = report.WaveFailed, err.Error()
	}
	if t.rec != nil {
		t.rec.Bake = g
	}
	return err
}

func (t *target) watch(ctx context.Context, fc *fleetConn, canary []string, d time.Duration) error {
	every := max(t.inv.App.Health.Interval.Std(), time.Second)
	tick := time.NewTicker(every)
	defer tick.Stop()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		for _, h := range canary {
			st, err := fc.get(h).agent.Probe(ctx)
			if err != nil {
				return fmt.Errorf("bake: %s: %w", h, err)
			}
			if msg := HealthText(st.Checks); msg != "ok" && msg != "-" {
				return fmt.Errorf("bake: %s: %s", h, msg)
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return nil
		case <-tick.C:
		}
	}
}

// clearPending removes a paused-canary record once a run has finished one
// way or the other.
func (t *target) clearPending(ctx context.Context, fc *fleetConn) {
	var marked []string
	for _, h := range t.hosts {
		if s := fc.get(h.Name); s != nil && s.pending {
			marked = append(marked, h.Name)
		}
	}
	err := fc.eachHost(ctx, marked, t.inv.Strategy.Parallel, "pending", func(ctx context.Context, s *hostSession) error {
		_, err := s.agent.Pending(ctx, agent.PendingArgs{Clear: true})
		return err
	})
	if err != nil {
		t.log.Warn("clear pending", "err", err)
	}
}
