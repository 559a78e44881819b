package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/plan"
)

func rollbackCommand() *cli.Command {
	return &cli.Command{
		Name:  "rollback",
		Usage: "return every selected host to its previous healthy release (or --to a version), with the rollout's limits and gates",
		Flags: concatFlags(commonFlags(), strategyFlags(), confirmFlags(), reportFlags(), []cli.Flag{
			&cli.StringFlag{Name: "to", EnvVars: []string{"FLEET_ROLLBACK_TO"}, Usage: "version to return to (must already be on every selected host)"},
		}),
		Action: runRollback,
	}
}

var runRollback = mutating("rollback", func(c *cli.Context, rec *runRecord) error {
	ctx := c.Context
	t, err := rec.target(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	strategy, err := strategyOf(c, t.inv.Strategy)
	if err != nil {
		return withExit(exitCannotStart, fmt.Errorf("%s: strategy: %w", t.inv.File, err))
	}
	// A rollback that fails is not rolled back again: that would pick a
	// target nobody chose. It halts and says where each host is.
	strategy.AutoRollback = false
	to := c.String("to")
	if to != "" {
		if err := agent.ValidateVersion(to); err != nil {
			return withExit(exitCannotStart, fmt.Errorf("--to: %w", err))
		}
	}
	id := newRolloutID()
	rec.begin(id)
	rec.version = to
	fc, err := t.connect(ctx, id, true)
	defer fc.Close()
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	targets, err := t.rollbackTargets(ctx, fc, to)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	p, err := plan.Compute(plan.KindRollback, targets, strategy)
	if err != nil {
		return withExit(exitCannotStart, fmt.Errorf("plan: %w", err))
	}
	rec.plan = &p
	t.out.emit(event{Kind: "rollout_started", Command: rec.command, To: to, Hosts: len(t.hosts),
		Message: fmt.Sprintf("rollback %s: %d to change, maxUnavailable=%d", id, p.Changes(), p.Window)})
	t.emitPlan(p, "")
	if err := t.confirm(p, "rollback"); err != nil {
		return withExit(exitCannotStart, err)
	}
	res := plan.Run(ctx, p, t.newStepper(fc, id), plan.Options{Observer: newObserver(t.out, p).observe, Now: t.out.now})
	rec.res = &res
	cctx, cancel := cleanupContext(ctx)
	t.clearPending(cctx, fc)
	cancel()
	t.summary(res)
	return resultExit(ctx, res)
})

// rollbackTargets decides each host's target before anything changes: --to
// must be present on every host; without it each host goes to its previous
// healthy release, and a host without one refuses the whole rollback.
func (t *target) rollbackTargets(ctx context.Context, fc *fleetConn, to string) ([]plan.Target, error) {
	var targets []plan.Target
	var errs []error
	for _, h := range t.hosts {
		hs := fc.get(h.Name)
		st, err := hs.agent.Status(ctx)
		if err != nil {
			errs = append(errs, &plan.HostError{Host: h.Name, Op: "status", Err: err})
			continue
		}
		if err := consulReachable(st); t.inv.App.Consul != nil && err != nil {
			errs = append(errs, &plan.HostError{Host: h.Name, Op: "consul", Err: err})
			continue
		}
		surge := t.learn(hs, st)
		want := to
		switch {
		case to != "" && !hasRelease(st, to):
			errs = append(errs, &plan.HostError{Host: h.Name, Op: "rollback", Err: fmt.Errorf("release %s is not on this host", to)})
		case to == "" && st.Pending != nil && st.Current != st.Pending.Version:
			// Undoing a rollout paused after its canary: this host never
			// got the new release, so it stays where it is.
			want = st.Current
		case to == "" && st.Previous == "":
			errs = append(errs, &plan.HostError{Host: h.Name, Op: "rollback", Err: errors.New("no previous healthy release to return to")})
		case to == "":
			want = st.Previous
		}
		targets = append(targets, plan.Target{Host: h.Name, From: st.Current, To: want, Surge: surge})
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("rollback refused, nothing changed: %w", errors.Join(errs...))
	}
	return targets, nil
}

func hasRelease(st agent.StatusResult, version string) bool {
	return slices.ContainsFunc(st.Releases, func(r agent.Release) bool { return r.Version == version })
}
