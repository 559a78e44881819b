package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/changelog"
	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/provenance"
)

// Rollback returns the selected hosts to one version, o.To or else what
// they ran before the last rollout (read from their journals), with
// o.Strategy's limits and gates (its window strategy.rollback.max_unavailable
// when the inventory sets it: rollbackStrategy); every host must already hold it. A
// rollback that fails is not rolled back again (o.Strategy.AutoRollback
// is ignored): that would pick a target nobody chose. Errors and the
// Record are as Rollout's.
func Rollback(ctx context.Context, o Options) (Record, error) {
	t := newTarget(o)
	id := newRolloutID()
	t.begin("rollback", id, o.To)
	s, err := rollbackStrategy(o)
	if err != nil {
		return *t.rec, err
	}
	fc, rp, err := t.planRollback(ctx, id, true, s, o.To)
	defer fc.Close()
	if err != nil {
		return *t.rec, err
	}
	p := rp.Plan
	to := p.Hosts[0].To
	t.rec.Version, t.rec.Plan, t.rec.Provenance = to, &p, rp.Provenance
	t.out.emit(Event{Kind: KindRolloutStarted, Command: "rollback", To: to, Hosts: len(t.hosts), ChangeNote: t.changeNote,
		Revision: revisionOf(rp.Provenance), Dirty: rp.Provenance != nil && rp.Provenance.Dirty(),
		Message: fmt.Sprintf("rollback %s to %s (%s): %d to change, maxUnavailable=%d", id, to, rp.Why, p.Changes(), p.Window)})
	t.emitPlan(p, "")
	t.emitChangelog(rp.Changelog)
	once, err := t.rollbackOnce(p)
	if err != nil {
		return *t.rec, err
	}
	if err := t.ask(p, "rollback"); err != nil {
		return *t.rec, err
	}
	if err := t.beforeHook(ctx, fc, p, once, nil); err != nil {
		return *t.rec, err
	}
	res := plan.Run(ctx, p, t.newStepper(fc, id), plan.Options{Observer: newObserver(t.out, p).observe, Now: t.out.now})
	t.rec.Result = &res
	t.afterHook(ctx, fc, p, once, res)
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
	// Provenance is the target release's, as the hosts recorded it; nil
	// when unknown.
	Provenance *provenance.Provenance
	// Changelog is what the rollback removes, commit by commit, per
	// revision the changing hosts run (Options.RepoDir); nil without.
	Changelog []changelog.Log
}

// Events is the dry run for machines: plan (naming the target and where
// it came from, with its provenance), PlanEvents (nothing to upload) and
// the changelog. consul is the app's Consul settings, nil without.
func (rp RollbackPlan) Events(consul *appspec.Consul) []Event {
	p := rp.Plan
	ev := PlanEvent(p, consul, ", rollback to "+p.Hosts[0].To+" ("+rp.Why+")")
	evs := append([]Event{withProvenance(ev, rp.Provenance)}, PlanEvents(p, nil, consul)...)
	return append(evs, ChangelogEvents(rp.Changelog)...)
}

// PlanRollback is Rollback's dry run.
func PlanRollback(ctx context.Context, o Options) (RollbackPlan, error) {
	t := newTarget(o)
	s, err := rollbackStrategy(o)
	if err != nil {
		return RollbackPlan{}, err
	}
	fc, rp, err := t.planRollback(ctx, "", false, s, o.To)
	defer fc.Close()
	if err != nil {
		return RollbackPlan{}, err
	}
	return rp, nil
}

// planRollback connects to every host (locking them when lock is set),
// asks what each runs, decides the one target and computes the waves,
// and reads what the target is and which commits going back removes. The
// connection is the caller's to close, whatever the error.
func (t *target) planRollback(ctx context.Context, id string, lock bool, s plan.Strategy, to string) (*fleetConn, RollbackPlan, error) {
	fc, err := t.connect(ctx, id, lock)
	if err != nil {
		return fc, RollbackPlan{}, err
	}
	targets, seen, why, err := t.rollbackTargets(ctx, fc, to)
	if err != nil {
		return fc, RollbackPlan{}, err
	}
	p, err := plan.Compute(plan.KindRollback, targets, s)
	if err != nil {
		return fc, RollbackPlan{}, fmt.Errorf("plan: %w", err)
	}
	rp := RollbackPlan{Plan: p, Why: why, Provenance: t.heldProvenance(seen, p.Hosts[0].To)}
	if rp.Changelog, err = t.changelogs(ctx, seen, rp.Plan.Hosts[0].To, revisionOf(rp.Provenance)); err != nil {
		return fc, RollbackPlan{}, err
	}
	return fc, rp, nil
}

// heldProvenance is the provenance of release version as the first
// selected host that holds it with one recorded it; nil when none did.
func (t *target) heldProvenance(seen map[string]agent.StatusResult, version string) *provenance.Provenance {
	for _, h := range t.hosts {
		if p := releaseProvenance(seen[h.Name], version); p != nil {
			return p
		}
	}
	return nil
}

// revisionOf is p's revision, "" when p is nil.
func revisionOf(p *provenance.Provenance) string {
	if p == nil {
		return ""
	}
	return p.Revision()
}

// rollbackTargets decides every host's target before anything changes:
// one version for all the selected hosts, --to or else what they ran
// before the last rollout (journalTarget), and every host must hold it.
// A host already on it whose last switch there has no verdict (an
// interrupted gate) is stepped again. It also returns what each host
// said and where the target came from.
func (t *target) rollbackTargets(ctx context.Context, fc *fleetConn, to string) ([]plan.Target, map[string]agent.StatusResult, string, error) {
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
		return nil, nil, "", fmt.Errorf("rollback refused, nothing changed: %w", errors.Join(errs...))
	}
	why := "--to"
	if to == "" {
		var err error
		if to, why, err = t.journalTarget(ctx, fc, seen); err != nil {
			return nil, nil, "", fmt.Errorf("rollback refused, nothing changed: %w", err)
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
		return nil, nil, "", fmt.Errorf("rollback to %s refused, nothing changed: %w", to, errors.Join(errs...))
	}
	return targets, seen, why, nil
}

func hasRelease(st agent.StatusResult, version string) bool {
	return slices.ContainsFunc(st.Releases, func(r agent.Release) bool { return r.Version == version })
}
