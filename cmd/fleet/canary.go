package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/report"
)

// afterCanary ends the canary wave: a pause records the paused rollout on
// every host (so `fleet promote` knows what to finish) and stops the run; a
// bake watches the canary hosts' health for the bake time, and any failing
// check fails the canary (which the plan then rolls back).
func (t *target) afterCanary(fc *fleetConn, co canaryOptions, id, version string) func(context.Context, []string) error {
	return func(ctx context.Context, canary []string) error {
		if co.bake > 0 {
			if err := t.bake(ctx, fc, canary, co.bake); err != nil {
				return err
			}
		}
		if !co.pause {
			return nil
		}
		err := fc.eachHost(ctx, t.hostNames(), t.inv.Strategy.Parallel, "pending", func(ctx context.Context, s *hostSession) error {
			_, err := s.agent.Pending(ctx, agent.PendingArgs{Version: version, RolloutID: id})
			s.pending = err == nil
			return err
		})
		if err != nil {
			return fmt.Errorf("record pause: %w", err)
		}
		t.out.emit(event{Kind: "paused", To: version, Message: "canary done; continue with `fleet promote`, or undo with `fleet rollback`"})
		return fmt.Errorf("after canary %v: %w", canary, plan.ErrPaused)
	}
}

// bake probes the canary hosts every health interval for d, and records
// the verdict for the report.
func (t *target) bake(ctx context.Context, fc *fleetConn, canary []string, d time.Duration) error {
	t.out.emit(event{Kind: "bake", Message: fmt.Sprintf("watching %v for %s", canary, d)})
	start := t.out.now()
	err := t.watch(ctx, fc, canary, d)
	g := &report.Gate{Name: "canary bake", Result: report.WavePassed, Duration: report.Of(t.out.now().Sub(start))}
	if err != nil {
		g.Result, g.Error = report.WaveFailed, err.Error()
	}
	if t.rec != nil {
		t.rec.bake = g
	}
	return err
}

func (t *target) watch(ctx context.Context, fc *fleetConn, canary []string, d time.Duration) error {
	every := max(t.inv.App.Health.Interval, time.Second)
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
			if msg := healthText(st.Checks); msg != "ok" && msg != "-" {
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

func promoteCommand() *cli.Command {
	return &cli.Command{
		Name:   "promote",
		Usage:  "finish a rollout paused after its canary (the release is already on every host)",
		Flags:  concatFlags(commonFlags(), strategyFlags(), confirmFlags(), reportFlags()),
		Action: runPromote,
	}
}

// runPromote reads the paused rollout's version from the hosts and rolls it
// out to the rest, with no new canary and no upload.
var runPromote = mutating("promote", func(c *cli.Context, rec *runRecord) error {
	t, err := rec.target(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	strategy, err := strategyOf(c, t.inv.Strategy)
	if err != nil {
		return withExit(exitCannotStart, strategyError(t.inv.File, err))
	}
	strategy.Kind = plan.StrategyRolling
	version, err := t.pendingVersion(c.Context)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	return t.rollout(c.Context, strategy, canaryOptions{}, nil, version)
})

// pendingVersion is the version every selected host recorded as paused; the
// hosts must agree, and each must already hold that release.
func (t *target) pendingVersion(ctx context.Context) (string, error) {
	rows, err := t.collectStatus(ctx, false)
	if err != nil {
		return "", err
	}
	version := ""
	var errs []error
	for _, r := range rows {
		st := r.Status
		switch {
		case st.Pending == nil:
			errs = append(errs, &plan.HostError{Host: r.Host, Op: "promote", Err: errors.New("no paused rollout recorded")})
		case version != "" && st.Pending.Version != version:
			errs = append(errs, &plan.HostError{Host: r.Host, Op: "promote", Err: fmt.Errorf("paused on %s, others on %s", st.Pending.Version, version)})
		case !hasRelease(*st, st.Pending.Version):
			errs = append(errs, &plan.HostError{Host: r.Host, Op: "promote", Err: fmt.Errorf("release %s is not on this host", st.Pending.Version)})
		default:
			version = st.Pending.Version
		}
	}
	if len(errs) > 0 {
		return "", fmt.Errorf("nothing to promote: %w", errors.Join(errs...))
	}
	return version, nil
}
