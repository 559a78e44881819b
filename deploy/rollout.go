package deploy

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// Rollout puts o.Artifact on the selected hosts: connect and lock every
// host, plan, confirm, stage, run the plan (with the canary's bake or
// pause, and the auto-rollback), prune. A refusal before any host changed
// is the error; a run that started returns its Record with a Result and
// a nil error, however it went.
func Rollout(ctx context.Context, o Options) (Record, error) {
	t := newTarget(o)
	art := o.Artifact
	if o.RefuseDirty {
		if err := art.refuseDirty(); err != nil {
			return Record{Command: "rollout", Version: art.Version, ChangeNote: o.ChangeNote}, err
		}
	}
	if err := refusePeers(o.Inventory, art); err != nil {
		return Record{Command: "rollout", Version: art.Version, ChangeNote: o.ChangeNote}, err
	}
	err := t.rollout(ctx, "rollout", o.Strategy, o.Canary, &art, art.Version, o.AbandonPaused)
	return *t.rec, err
}

// rollout is the shared body of Rollout and Promote: connect and lock
// every host, plan, confirm, stage (when there is an Artifact), run.
// Promote has no artifact: the release is already staged on every host.
func (t *target) rollout(ctx context.Context, command string, strategy plan.Strategy, co Canary, art *Artifact, version string, overPaused bool) error {
	id := newRolloutID()
	t.begin(command, id, version)
	msg := fmt.Sprintf("%s %s: %d hosts", command, id, len(t.hosts))
	ev := Event{Kind: KindRolloutStarted, Command: command, To: version, Hosts: len(t.hosts), ChangeNote: t.changeNote}
	if art != nil {
		msg += ", artifact sha256 " + art.SHA256[:12] + ", " + art.Provenance.String()
		t.rec.Provenance = art.provenanceOf()
	}
	if p := t.rec.Provenance; p != nil { // a promote's: the release as the hosts recorded it
		ev.Revision, ev.Dirty = p.Revision(), p.Dirty()
	}
	ev.Message = msg
	t.out.emit(ev)
	start := time.Now()
	fc, err := t.connect(ctx, id, true)
	tracePhase(t.log, "connect", start)
	defer t.closeAll(fc)
	if err != nil {
		return err
	}
	start = time.Now()
	p, seen, err := t.planRollout(ctx, fc, strategy, version)
	tracePhase(t.log, "plan", start)
	if err != nil {
		return err
	}
	t.rec.Plan = &p
	if art != nil {
		// A host already on the version is skipped, so staging alone would
		// never see other bytes under its name there.
		if err := conflicts(p, planUploads(p, seen, *art)); err != nil {
			return fmt.Errorf("version %s names other bytes on some hosts, nothing changed: %w", version, err)
		}
	}
	// promote finishes the paused rollout; a new one must not drop it.
	paused := findPaused(seen)
	if paused != nil && art != nil && !overPaused {
		return errPaused(paused)
	}
	if art != nil {
		if t.gray, err = t.newGrayRelease(fc, p); err != nil {
			return err
		}
	}
	if err := t.needQuerier(); err != nil {
		return err
	}
	t.emitPlan(p, t.stageNote(art))
	if err := t.whatChanges(ctx, seen, p, version, art != nil); err != nil {
		return err
	}
	if err := t.ask(p, fmt.Sprintf("%s of %s", command, version)); err != nil {
		return err
	}
	if paused != nil && art != nil {
		if err := t.abandonPaused(ctx, fc, paused); err != nil {
			return err
		}
	}
	defer tracePhase(t.log, "run", time.Now())
	return t.runRollout(ctx, fc, p, co, art)
}

// runRollout stages (when there is an Artifact) and runs the plan, then
// tidies up: the paused record cleared, old releases pruned, and one
// host_done event per host.
func (t *target) runRollout(ctx context.Context, fc *fleetConn, p plan.Plan, co Canary, art *Artifact) error {
	var ahead *stager
	once, err := t.planOnce(p, art != nil)
	if err != nil {
		return err
	}
	if art != nil {
		if ahead, err = t.stageRelease(ctx, fc, p, *art); err != nil {
			return err
		}
	}
	st := t.newStepper(fc, t.rec.ID)
	if ahead != nil {
		st.staged = ahead.wait
		ahead.start(ctx, t.inv.Strategy.Parallel)
	}
	if err := t.beforeHook(ctx, fc, p, once, ahead); err != nil {
		return err
	}
	opts := plan.Options{Observer: newObserver(t.out, p).observe, Now: t.out.now}
	if len(p.Canary) > 0 {
		opts.AfterCanary = t.afterCanary(fc, co, t.rec.ID, t.rec.Version)
	}
	// Weights a gray release cut short, or one paused before this
	// promote, go back to normal before anything else moves.
	t.normalizeWeights(ctx, fc)
	if t.gray != nil {
		if st.entryWeight, err = t.gray.entry(ctx); err != nil {
			t.restoreWeights(fc)
			return err
		}
		opts.AfterCanary = t.gray.afterCanary(co, t.rec.ID, t.rec.Version)
	}
	res := plan.Run(ctx, p, st, opts)
	if ahead != nil {
		ahead.finish(res.Paused)
	}
	t.rec.Result = &res
	t.afterHook(ctx, fc, p, once, res)
	cctx, cancel := cleanupContext(ctx)
	defer cancel()
	if !res.Paused {
		t.restoreWeights(fc)
		t.clearPending(cctx, fc)
	}
	if res.Err() == nil && !res.Interrupted {
		t.pruneAll(cctx, fc, res.Changed())
	}
	t.summary(res)
	return nil
}

// emitPlan announces the plan of a run (the rollout's "plan" event); note
// ends its message.
func (t *target) emitPlan(p plan.Plan, note string) {
	t.out.emit(PlanEvent(p, t.inv.App.Consul, note))
}

// PlanEvent is the plan event of a run, or of a rollback's dry run:
// counts, limits and the drain; note ends its message. consul is the
// app's Consul settings, nil without Consul.
func PlanEvent(p plan.Plan, consul *appspec.Consul, note string) Event {
	return Event{Kind: KindPlan, Hosts: p.Changes(), Waves: len(p.Waves), VersionChange: string(VersionChange(p)),
		Message: fmt.Sprintf("%d to change, %d unchanged, maxUnavailable=%d, maxSurge=%d, canary %d, failure budget %d%s%s",
			p.Changes(), len(p.Hosts)-p.Changes(), p.Window, p.SurgeWindow, len(p.Canary), p.Budget,
			DrainNote(consul), note)}
}

// stageNote names the staging mode on the plan line of a rollout that
// uploads, when it is not the default.
func (t *target) stageNote(art *Artifact) string {
	if art != nil && art.URL != "" {
		return art.fetchNote()
	}
	if art != nil && t.inv.Strategy.Peers() {
		return fmt.Sprintf(", peers: the controller uploads to at most %d seeds, the other hosts fetch from hosts that have it", t.inv.Strategy.SeedCount())
	}
	if art != nil && t.inv.Strategy.Stage == inventory.StageAhead {
		return ", uploads ahead of the waves"
	}
	return ""
}

func (t *target) newStepper(fc *fleetConn, id string) *stepper {
	return &stepper{fleet: fc, out: t.out, rolloutID: id, consul: t.inv.App.Consul != nil, slots: t.slotNames(),
		hooks: t.inv.App.Hooks}
}

// planRollout asks every host what it runs now and computes the waves. A
// host whose Consul agent cannot be reached is refused here, before
// anything changes anywhere: it could not be drained. It also returns
// what each host said.
func (t *target) planRollout(ctx context.Context, fc *fleetConn, s plan.Strategy, version string) (plan.Plan, map[string]agent.StatusResult, error) {
	targets := make([]plan.Target, 0, len(t.hosts))
	seen := make(map[string]agent.StatusResult, len(t.hosts))
	var errs []error
	statuses := fc.statusAll(ctx, t.hostNames(), t.inv.Strategy.Parallel)
	for i, h := range t.hosts {
		hs := fc.get(h.Name)
		st, err := statuses[i].st, statuses[i].err
		if err != nil {
			errs = append(errs, &plan.HostError{Host: h.Name, Op: "status", Err: err})
			continue
		}
		if err := consulReachable(st); t.inv.App.Consul != nil && err != nil {
			errs = append(errs, &plan.HostError{Host: h.Name, Op: "consul", Err: err})
			continue
		}
		seen[h.Name] = st
		slots, surge := t.learn(hs, st)
		targets = append(targets, plan.Target{Host: h.Name, From: st.Current, To: version, Surge: surge, Slots: slots,
			Unsettled: unsettled(st, version)})
	}
	if len(errs) > 0 {
		return plan.Plan{}, nil, errors.Join(errs...)
	}
	// The automatic rollback goes with the rollback's window.
	s, err := withRollbackWindow(s, t.inv)
	if err != nil {
		return plan.Plan{}, nil, err
	}
	p, err := plan.Compute(plan.KindRollout, targets, s)
	if err != nil {
		return p, nil, fmt.Errorf("plan: %w", err)
	}
	return p, seen, nil
}

// stageRelease puts the release on every host that changes. With stage
// "before" every upload is done here; with "ahead" every host is only
// checked here, and the returned stager uploads while the rollout runs.
// Either way a host that cannot take the release stops the rollout with
// nothing changed.
func (t *target) stageRelease(ctx context.Context, fc *fleetConn, p plan.Plan, a Artifact) (*stager, error) {
	var names []string
	for _, hp := range p.Hosts {
		if hp.Action == plan.ActionUpdate {
			names = append(names, hp.Host)
		}
	}
	if t.inv.Strategy.Peers() && a.URL == "" { // stage_peers.go
		return nil, t.stagePeers(ctx, fc, names, a)
	}
	if t.inv.Strategy.Stage == inventory.StageAhead && a.URL == "" { // hosts fetch before: stage_fetch.go
		return t.preflight(ctx, fc, names, a)
	}
	return nil, t.stageAll(ctx, fc, names, a)
}

// stageAll uploads to every host in names before any host is touched.
func (t *target) stageAll(ctx context.Context, fc *fleetConn, names []string, a Artifact) error {
	var sent atomic.Int64
	err := fc.eachHost(ctx, names, t.inv.Strategy.Parallel, "stage", func(ctx context.Context, s *hostSession) error {
		n, err := stage(ctx, s, a, t.out)
		sent.Add(n)
		return err
	})
	msg := fmt.Sprintf("%d hosts, %d bytes uploaded", len(names), sent.Load())
	if a.URL != "" {
		msg = fmt.Sprintf("%d hosts fetched it from %s", len(names), a.ShownURL())
	}
	t.out.emit(Event{Kind: KindStaged, To: a.Version, Hosts: len(names), Bytes: sent.Load(), Message: msg})
	return err
}

func (t *target) pruneAll(ctx context.Context, fc *fleetConn, names []string) {
	err := fc.eachHost(ctx, names, t.inv.Strategy.Parallel, "prune", func(ctx context.Context, s *hostSession) error {
		_, err := s.agent.Prune(ctx, agent.PruneArgs{Keep: t.inv.App.Keep})
		return err
	})
	if err != nil {
		t.log.Warn("prune", "err", err)
	}
}
