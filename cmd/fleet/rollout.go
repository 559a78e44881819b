package main

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/plan"
)

func rolloutCommand() *cli.Command {
	return &cli.Command{
		Name:  "rollout",
		Usage: "put a new version on every selected host in rolling batches, gated on health",
		Flags: append(append(commonFlags(), strategyFlags()...),
			&cli.StringFlag{Name: "artifact", Aliases: []string{"a"}, Required: true, EnvVars: []string{"FLEET_ARTIFACT"}, Usage: "the release binary"},
			&cli.StringFlag{Name: "version", EnvVars: []string{"FLEET_VERSION"}, Usage: "release version (default: derived from the artifact's checksum)"},
		),
		Action: runRollout,
	}
}

func runRollout(c *cli.Context) error {
	ctx := c.Context
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	strategy, err := strategyOf(c, t.inv.Strategy)
	if err != nil {
		return withExit(exitCannotStart, fmt.Errorf("%s: strategy: %w", t.inv.File, err))
	}
	if v := c.String("version"); v != "" {
		if err := agent.ValidateVersion(v); err != nil {
			return withExit(exitCannotStart, fmt.Errorf("--version: %w", err))
		}
	}
	art, err := openArtifact(c.String("artifact"), c.String("version"))
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	id := newRolloutID()
	t.out.emit(event{Kind: "rollout_started", To: art.version, Message: fmt.Sprintf("rollout %s: %d hosts, artifact sha256 %s", id, len(t.hosts), art.sha256[:12])})
	fc, err := t.connect(ctx, id, true)
	defer fc.Close()
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	p, err := t.planRollout(ctx, fc, strategy, art.version)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	if err := t.stageAll(ctx, fc, p, art); err != nil {
		return withExit(exitCannotStart, err)
	}
	res := plan.Run(ctx, p, &stepper{fleet: fc, out: t.out}, plan.Options{Observer: t.observe, Now: t.out.now})
	if res.Err() == nil && !res.Interrupted {
		cctx, cancel := cleanupContext(ctx)
		t.pruneAll(cctx, fc, res.Changed())
		cancel()
	}
	t.summary(res)
	return resultExit(ctx, res)
}

// planRollout asks every host what it runs now and computes the waves.
func (t *target) planRollout(ctx context.Context, fc *fleetConn, s plan.Strategy, version string) (plan.Plan, error) {
	targets := make([]plan.Target, 0, len(t.hosts))
	for _, h := range t.hosts {
		st, err := fc.get(h.Name).agent.Status(ctx)
		if err != nil {
			return plan.Plan{}, &plan.HostError{Host: h.Name, Op: "status", Err: err}
		}
		targets = append(targets, plan.Target{Host: h.Name, From: st.Current, To: version})
	}
	p, err := plan.Compute(plan.KindRollout, targets, s)
	if err != nil {
		return p, fmt.Errorf("plan: %w", err)
	}
	t.out.emit(event{Kind: "plan", Message: fmt.Sprintf("%d to change, %d unchanged, maxUnavailable=%d, failure budget %d", p.Changes(), len(p.Hosts)-p.Changes(), p.Window, p.Budget)})
	return p, nil
}

// stageAll uploads to every host that changes, before any host is touched:
// a host that cannot take the release stops the rollout with nothing changed.
func (t *target) stageAll(ctx context.Context, fc *fleetConn, p plan.Plan, a artifact) error {
	var names []string
	for _, hp := range p.Hosts {
		if hp.Action == plan.ActionUpdate {
			names = append(names, hp.Host)
		}
	}
	var sent atomic.Int64
	err := fc.eachHost(ctx, names, t.inv.Strategy.Parallel, "stage", func(ctx context.Context, s *hostSession) error {
		n, err := stage(ctx, s, a, t.out)
		sent.Add(n)
		return err
	})
	t.out.emit(event{Kind: "staged", To: a.version, Message: fmt.Sprintf("%d hosts, %d bytes uploaded", len(names), sent.Load())})
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
	o := sessionOptions{
		app:         appSpec(t.inv.App),
		agentBinary: t.agentBinary,
		identity:    controllerIdentity(rolloutID),
		lock:        lock,
	}
	return connectAll(ctx, t.hosts, t.inv.Strategy.Parallel, o, t.log)
}

func (t *target) observe(e plan.Event) {
	ev := event{Kind: "host_state", Host: e.Host, Wave: e.Wave, State: string(e.To), Message: e.Reason}
	if e.Err != nil {
		ev.Error = e.Err.Error()
	}
	t.out.emit(ev)
}
