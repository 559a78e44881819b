package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/plan"
)

// Rollback returns the selected hosts to one version, o.To or else what
// they ran before the last rollout (read from their journals), with
// o.Strategy's limits and gates; every host must already hold it. A
// rollback that fails is not rolled back again (o.Strategy.AutoRollback
// is ignored): that would pick a target nobody chose. Errors and the
// Record are as Rollout's.
func Rollback(ctx context.Context, o Options) (Record, error) {
	t := newTarget(o)
	id := newRolloutID()
	t.begin("rollback", id, o.To)
	s := o.Strategy
	s.AutoRollback = false
	fc, p, why, err := t.planRollback(ctx, id, true, s, o.To)
	defer fc.Close()
	if err != nil {
		return *t.rec, err
	}
	to := p.Hosts[0].To
	t.rec.Version, t.rec.Plan = to, &p
	var rev string
	var dirty bool
	if p := t.rec.Provenance; p != nil {
		rev, dirty = p.Revision(), p.Dirty()
	}
	t.out.emit(Event{Kind: KindRolloutStarted, Command: "rollback", To: to, Hosts: len(t.hosts), ChangeNote: t.changeNote,
		Revision: rev, Dirty: dirty,
		Message: fmt.Sprintf("rollback %s to %s (%s): %d to change, maxUnavailable=%d", id, to, why, p.Changes(), p.Window)})
	t.emitPlan(p, "")
	t.emitChangelog(t.rec.Changelog)
	if err := t.ask(p, "rollback"); err != nil {
		return *t.rec, err
	}
	res := plan.Run(ctx, p, t.newStepper(fc, id), plan.Options{Observer: newObserver(t.out, p).observe, Now: t.out.now})
	t.rec.Result = &res
	cctx, cancel := cleanupContext(ctx)
	t.normalizeWeights(cctx, fc)
	t.clearPending(cctx, fc)
	cancel()
	t.summary(res)
	return *t.rec, nil
}

// RollbackPlan is what Rollback would do, decided the same way (every
// host asked, the one target, the waves), without the lock and without
// changing anything: the dry run.
type RollbackPlan struct {
	Plan plan.Plan
	// Why says where the target came from: "--to", or the rollout it
	// undoes.
	Why string
}

// PlanRollback is Rollback's dry run.
func PlanRollback(ctx context.Context, o Options) (RollbackPlan, error) {
	t := newTarget(o)
	s := o.Strategy
	s.AutoRollback = false
	fc, p, why, err := t.planRollback(ctx, "", false, s, o.To)
	defer fc.Close()
	if err != nil {
		return RollbackPlan{}, err
	}
	return RollbackPlan{Plan: p, Why: why}, nil
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
	for _, h := range t.hosts {
		if p := releaseProvenance(seen[h.Name], to); p != nil && t.rec != nil {
			t.rec.Provenance = p // what the run returns the hosts to
			break
		}
	}
	if t.rec != nil { // a run, not the dry run: what it removes
		var rev string
		if p := t.rec.Provenance; p != nil {
			rev = p.Revision()
		}
		logs, err := t.changelogs(ctx, seen, to, rev)
		if err != nil {
			return nil, "", err
		}
		t.rec.Changelog = logs
	}
	return targets, why, nil
}

func hasRelease(st agent.StatusResult, version string) bool {
	return slices.ContainsFunc(st.Releases, func(r agent.Release) bool { return r.Version == version })
}
