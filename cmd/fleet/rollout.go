package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

func rolloutCommand() *cli.Command {
	return &cli.Command{
		Name:  "rollout",
		Usage: "put a new version on every selected host in rolling batches, gated on health",
		Flags: concatFlags(commonFlags(), strategyFlags(), canaryFlags(), confirmFlags(), reportFlags(),
			[]cli.Flag{
				&cli.StringFlag{Name: "artifact", Aliases: []string{"a"}, Required: true, EnvVars: []string{"FLEET_ARTIFACT"}, Usage: "the release binary"},
				&cli.StringFlag{Name: "version", EnvVars: []string{"FLEET_VERSION"}, Usage: "release version (default: derived from the artifact's checksum)"},
				&cli.BoolFlag{Name: "abandon-paused", EnvVars: []string{"FLEET_ABANDON_PAUSED"}, Usage: "roll out even though a rollout is paused after its canary; the hosts' journals record it as abandoned"},
				&cli.StringFlag{Name: "stage", EnvVars: []string{"FLEET_STAGE"}, Usage: "when to upload: before (every host holds the release before any host changes) or ahead (every host is checked first, uploads run while hosts are activated) (default: inventory, else before)"},
			}),
		Action: runRollout,
	}
}

func concatFlags(groups ...[]cli.Flag) []cli.Flag {
	var out []cli.Flag
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// mutating runs the body of rollout, rollback or promote inside a run
// record, which ends every run with rollout_done and the report files.
func mutating(command string, body func(*cli.Context, *runRecord) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		rec, err := startRecord(c, command)
		if err != nil {
			return withExit(exitCannotStart, err)
		}
		return rec.finish(c.Context, body(c, rec))
	}
}

var runRollout = mutating("rollout", func(c *cli.Context, rec *runRecord) error {
	t, err := rec.target(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	strategy, co, err := rolloutStrategy(c, t.inv.Strategy)
	if err != nil {
		return withExit(exitCannotStart, strategyError(t.inv.File, err))
	}
	if v := c.String("version"); v != "" {
		if err := agent.ValidateVersion(v); err != nil {
			return withExit(exitCannotStart, fmt.Errorf("--version: %w", err))
		}
	}
	if v := c.String("stage"); v != "" {
		if err := inventory.ValidStage(v); err != nil {
			return withExit(exitCannotStart, fmt.Errorf("--stage: %w", err))
		}
		t.inv.Strategy.Stage = v
	}
	art, err := openArtifact(c.String("artifact"), c.String("version"))
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	t.overPaused = c.Bool("abandon-paused")
	return t.rollout(c.Context, strategy, co, &art, art.version)
})

// target loads the inventory for a mutating command, with its
// confirmation settings.
func (r *runRecord) target(c *cli.Context) (*target, error) {
	ask, err := newConfirmOptions(c, r.out.json)
	if err != nil {
		return nil, err
	}
	t, err := loadTargetWith(c, r.out, r.log)
	if err != nil {
		return nil, err
	}
	t.rec, t.ask = r, ask
	return t, nil
}

// rollout is the shared body of `rollout` and `promote`: connect and lock
// every host, plan, confirm, stage (when there is an artifact), run.
// promote has no artifact: the release is already staged on every host.
func (t *target) rollout(ctx context.Context, strategy plan.Strategy, co canaryOptions, art *artifact, version string) error {
	id := newRolloutID()
	t.rec.begin(id)
	t.rec.version = version
	msg := fmt.Sprintf("%s %s: %d hosts", t.rec.command, id, len(t.hosts))
	if art != nil {
		msg += ", artifact sha256 " + art.sha256[:12]
	}
	t.out.emit(event{Kind: "rollout_started", Command: t.rec.command, To: version, Hosts: len(t.hosts), Message: msg})
	fc, err := t.connect(ctx, id, true)
	defer fc.Close()
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	p, seen, err := t.planRollout(ctx, fc, strategy, version)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	t.rec.plan = &p
	if art != nil {
		// A host already on the version is skipped, so staging alone would
		// never see other bytes under its name there.
		if err := conflicts(p, planUploads(p, seen, *art)); err != nil {
			return withExit(exitCannotStart, fmt.Errorf("version %s names other bytes on some hosts, nothing changed: %w", version, err))
		}
	}
	// promote finishes the paused rollout; a new one must not drop it.
	paused := findPaused(seen)
	if paused != nil && art != nil && !t.overPaused {
		return withExit(exitCannotStart, errPaused(paused))
	}
	t.emitPlan(p, t.stageNote(art))
	if err := t.confirm(p, fmt.Sprintf("%s of %s", t.rec.command, version)); err != nil {
		return withExit(exitCannotStart, err)
	}
	if paused != nil && art != nil {
		if err := t.abandonPaused(ctx, fc, paused); err != nil {
			return withExit(exitCannotStart, err)
		}
	}
	var ahead *stager
	if art != nil {
		if ahead, err = t.stageRelease(ctx, fc, p, *art); err != nil {
			return withExit(exitCannotStart, err)
		}
	}
	st := t.newStepper(fc, id)
	if ahead != nil {
		st.staged = ahead.wait
		ahead.start(ctx, t.inv.Strategy.Parallel)
	}
	opts := plan.Options{Observer: newObserver(t.out, p).observe, Now: t.out.now}
	if len(p.Canary) > 0 {
		opts.AfterCanary = t.afterCanary(fc, co, id, version)
	}
	res := plan.Run(ctx, p, st, opts)
	if ahead != nil {
		ahead.finish(res.Paused)
	}
	t.rec.res = &res
	cctx, cancel := cleanupContext(ctx)
	defer cancel()
	if !res.Paused {
		t.clearPending(cctx, fc)
	}
	if res.Err() == nil && !res.Interrupted {
		t.pruneAll(cctx, fc, res.Changed())
	}
	t.summary(res)
	return resultExit(ctx, res)
}

// emitPlan announces the plan of a run (the rollout's "plan" event); note
// ends its message.
func (t *target) emitPlan(p plan.Plan, note string) {
	t.out.emit(event{Kind: "plan", Hosts: p.Changes(), Waves: len(p.Waves),
		Message: fmt.Sprintf("%d to change, %d unchanged, maxUnavailable=%d, maxSurge=%d, canary %d, failure budget %d%s%s",
			p.Changes(), len(p.Hosts)-p.Changes(), p.Window, p.SurgeWindow, len(p.Canary), p.Budget,
			drainNote(t.inv.App.Consul), note)})
}

// stageNote names the staging mode on the plan line of a rollout that
// uploads, when it is not the default.
func (t *target) stageNote(art *artifact) string {
	if art != nil && t.inv.Strategy.Stage == inventory.StageAhead {
		return ", uploads ahead of the waves"
	}
	return ""
}

func (t *target) newStepper(fc *fleetConn, id string) *stepper {
	return &stepper{fleet: fc, out: t.out, rolloutID: id, consul: t.inv.App.Consul != nil, slots: t.slotNames()}
}

// planRollout asks every host what it runs now and computes the waves. A
// host whose Consul agent cannot be reached is refused here, before
// anything changes anywhere: it could not be drained. It also returns
// what each host said.
func (t *target) planRollout(ctx context.Context, fc *fleetConn, s plan.Strategy, version string) (plan.Plan, map[string]agent.StatusResult, error) {
	targets := make([]plan.Target, 0, len(t.hosts))
	seen := make(map[string]agent.StatusResult, len(t.hosts))
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
		slots, surge := t.learn(hs, st)
		targets = append(targets, plan.Target{Host: h.Name, From: st.Current, To: version, Surge: surge, Slots: slots,
			Unsettled: unsettled(st, version)})
	}
	if len(errs) > 0 {
		return plan.Plan{}, nil, errors.Join(errs...)
	}
	p, err := plan.Compute(plan.KindRollout, targets, s)
	if err != nil {
		return p, nil, fmt.Errorf("plan: %w", err)
	}
	return p, seen, nil
}

// learn tells the session what its host runs and returns the host's slots
// for its target, and whether the host can surge (it runs the app's
// slots). A host that cannot still names the slot its state says serves,
// if any: an in-place step replaces that one.
func (t *target) learn(hs *hostSession, st agent.StatusResult) (plan.Slots, bool) {
	hs.learn(st)
	if !hs.host.Slots || t.inv.App.Slots == nil {
		return plan.Slots{Serving: st.Serving}, false
	}
	return slotPair(st.Serving, t.slotNames()), true
}

// slotNames are the app's slot names; none without slots.
func (t *target) slotNames() []string {
	if t.inv.App.Slots == nil {
		return nil
	}
	var names []string
	for _, s := range t.inv.App.Slots.Instances {
		names = append(names, s.Name)
	}
	return names
}

// slotPair is the serving slot ("" on a host's first deploy) and the idle
// one the next version goes to, of a host's two slots.
func slotPair(serving string, slots []string) plan.Slots {
	idle := slots[0]
	if serving == slots[0] {
		idle = slots[1]
	}
	return plan.Slots{Serving: serving, Idle: idle}
}

// unsettled: the host runs version but it never passed the gate there (a
// controller died mid-step), or its serving instance is still out of the
// load balancer. Its step runs again rather than being skipped.
func unsettled(st agent.StatusResult, version string) bool {
	if st.Current != version {
		return false
	}
	for _, r := range st.Releases {
		if r.Version == version && r.LastResult != "healthy" {
			return true
		}
	}
	for _, in := range st.Instances {
		if in.Registered && in.Maintenance && (in.Slot == "" || in.Slot == st.Serving) {
			return true
		}
	}
	return false
}

// consulReachable says whether the agent could read the host's Consul
// agent: status puts a registry failure on each instance.
func consulReachable(st agent.StatusResult) error {
	for _, in := range st.Instances {
		if in.Error != "" {
			return fmt.Errorf("consul agent unreachable, cannot drain: %s", in.Error)
		}
	}
	return nil
}

// stageRelease puts the release on every host that changes. With stage
// "before" every upload is done here; with "ahead" every host is only
// checked here, and the returned stager uploads while the rollout runs.
// Either way a host that cannot take the release stops the rollout with
// nothing changed.
func (t *target) stageRelease(ctx context.Context, fc *fleetConn, p plan.Plan, a artifact) (*stager, error) {
	var names []string
	for _, hp := range p.Hosts {
		if hp.Action == plan.ActionUpdate {
			names = append(names, hp.Host)
		}
	}
	if t.inv.Strategy.Stage == inventory.StageAhead {
		return t.preflight(ctx, fc, names, a)
	}
	return nil, t.stageAll(ctx, fc, names, a)
}

// stageAll uploads to every host in names before any host is touched.
func (t *target) stageAll(ctx context.Context, fc *fleetConn, names []string, a artifact) error {
	var sent atomic.Int64
	err := fc.eachHost(ctx, names, t.inv.Strategy.Parallel, "stage", func(ctx context.Context, s *hostSession) error {
		n, err := stage(ctx, s, a, t.out)
		sent.Add(n)
		return err
	})
	t.out.emit(event{Kind: "staged", To: a.version, Hosts: len(names), Bytes: sent.Load(), Message: fmt.Sprintf("%d hosts, %d bytes uploaded", len(names), sent.Load())})
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

func (t *target) connect(ctx context.Context, rolloutID string, lock bool) (*fleetConn, error) {
	spec, err := appSpec(t.inv.App)
	if err != nil {
		return &fleetConn{}, fmt.Errorf("%s: %w", t.inv.File, err)
	}
	o := sessionOptions{
		app:         spec,
		agentBinary: t.agentBinary,
		identity:    controllerIdentity(rolloutID, t.cmdline),
		lock:        lock,
	}
	return connectAll(ctx, t.hosts, t.inv.Strategy.Parallel, o, t.log)
}
