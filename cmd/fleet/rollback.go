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
		Usage: "return the selected hosts to one version, what they ran before the last rollout (or --to VERSION), with the rollout's limits and gates",
		Flags: concatFlags(commonFlags(), strategyFlags(), confirmFlags(), reportFlags(), []cli.Flag{
			&cli.StringFlag{Name: "to", EnvVars: []string{"FLEET_ROLLBACK_TO"}, Usage: "version to return to (must already be on every selected host; default: what they ran before the last rollout)"},
			&cli.BoolFlag{Name: "dry-run", EnvVars: []string{"FLEET_DRY_RUN"}, Usage: "show each host's target and the waves, change nothing"},
		}),
		Action: func(c *cli.Context) error {
			if c.Bool("dry-run") {
				return runRollbackDryRun(c)
			}
			return runRollback(c)
		},
	}
}

var runRollback = mutating("rollback", func(c *cli.Context, rec *runRecord) error {
	ctx := c.Context
	t, err := rec.target(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	strategy, to, err := rollbackInput(c, t)
	if err != nil {
		return err
	}
	id := newRolloutID()
	rec.begin(id)
	rec.version = to
	fc, p, why, err := t.planRollback(ctx, id, true, strategy, to)
	defer fc.Close()
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	to = p.Hosts[0].To
	rec.version, rec.plan = to, &p
	t.out.emit(event{Kind: "rollout_started", Command: rec.command, To: to, Hosts: len(t.hosts),
		Message: fmt.Sprintf("rollback %s to %s (%s): %d to change, maxUnavailable=%d", id, to, why, p.Changes(), p.Window)})
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

// rollbackInput reads what a rollback and its dry run take from the
// flags: the strategy and --to (empty: the journals decide).
func rollbackInput(c *cli.Context, t *target) (plan.Strategy, string, error) {
	strategy, err := strategyOf(c, t.inv.Strategy)
	if err != nil {
		return strategy, "", withExit(exitCannotStart, strategyError(t.inv.File, err))
	}
	// A rollback that fails is not rolled back again: that would pick a
	// target nobody chose. It halts and says where each host is.
	strategy.AutoRollback = false
	to := c.String("to")
	if to != "" {
		if err := agent.ValidateVersion(to); err != nil {
			return strategy, "", withExit(exitCannotStart, fmt.Errorf("--to: %w", err))
		}
	}
	return strategy, to, nil
}

// planRollback connects to every host (locking them when lock is set),
// asks what each runs, decides the one target and computes the waves; it
// also says where the target came from. The connection is the caller's to
// close, whatever the error.
func (t *target) planRollback(ctx context.Context, id string, lock bool, s plan.Strategy, to string) (*fleetConn, plan.Plan, string, error) {
	fc, err := t.connect(ctx, id, lock)
	if err != nil {
		return fc, plan.Plan{}, "", err
	}
	targets, why, err := t.rollbackTargets(ctx, fc, to)
	if err != nil {
		return fc, plan.Plan{}, "", err
	}
	p, err := plan.Compute(plan.KindRollback, targets, s)
	if err != nil {
		return fc, p, "", fmt.Errorf("plan: %w", err)
	}
	return fc, p, why, nil
}

// rollbackTargets decides every host's target before anything changes:
// one version for all the selected hosts, --to or else what they ran
// before the last rollout (journalTarget), and every host must hold it.
// A host already on it whose last switch there has no verdict (an
// interrupted gate) is stepped again. It also says where the target came
// from.
func (t *target) rollbackTargets(ctx context.Context, fc *fleetConn, to string) ([]plan.Target, string, error) {
	seen := make(map[string]agent.StatusResult, len(t.hosts))
	slots := make(map[string]plan.Slots, len(t.hosts))
	surge := make(map[string]bool, len(t.hosts))
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
		seen[h.Name] = st
		slots[h.Name], surge[h.Name] = t.learn(hs, st)
	}
	if len(errs) > 0 {
		return nil, "", fmt.Errorf("rollback refused, nothing changed: %w", errors.Join(errs...))
	}
	why := "--to"
	if to == "" {
		var err error
		if to, why, err = t.journalTarget(ctx, fc, seen); err != nil {
			return nil, "", fmt.Errorf("rollback refused, nothing changed: %w", err)
		}
	}
	targets := make([]plan.Target, 0, len(t.hosts))
	for _, h := range t.hosts {
		st := seen[h.Name]
		if !hasRelease(st, to) {
			errs = append(errs, &plan.HostError{Host: h.Name, Op: "rollback", Err: fmt.Errorf("release %s is not on this host", to)})
		}
		targets = append(targets, plan.Target{Host: h.Name, From: st.Current, To: to, Surge: surge[h.Name], Slots: slots[h.Name],
			Unsettled: unsettled(st, to)})
	}
	if len(errs) > 0 {
		return nil, "", fmt.Errorf("rollback to %s refused, nothing changed: %w", to, errors.Join(errs...))
	}
	return targets, why, nil
}

func hasRelease(st agent.StatusResult, version string) bool {
	return slices.ContainsFunc(st.Releases, func(r agent.Release) bool { return r.Version == version })
}
