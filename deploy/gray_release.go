package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/analysis"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// grayRelease is a rollout's gray release (strategy.steps): the canary
// hosts take the release, then a growing share of the requests through
// their Consul weights, with pauses and analyses between; at 100% every
// weight goes back to normal and the plan rolls the rest of the fleet.
type grayRelease struct {
	t      *target
	fc     *fleetConn
	steps  []inventory.Step
	canary []string // hosts of the plan's canary wave
	stable []string // every other host of the fleet
	from   string   // the version the stable hosts run, for the queries
	// shifted: some instance may hold a weight that is not normal, so
	// the run's end must restore them.
	shifted bool
}

// ErrAnalysisFailed is a gray release's (or canary_analysis') failed
// analysis: the canary is rolled back as after a failed gate.
var ErrAnalysisFailed = errors.New("analysis failed")

// errInconclusive is an analysis fleet cannot judge: the run pauses, as
// at pause: {}, for a person to promote or roll back.
var errInconclusive = errors.New("analysis inconclusive")

// newGrayRelease checks what a gray release needs of this run and
// returns nil for a rollout without steps.
func (t *target) newGrayRelease(fc *fleetConn, p plan.Plan) (*grayRelease, error) {
	steps := t.inv.Strategy.Steps
	if len(steps) == 0 {
		return nil, nil
	}
	switch {
	case t.inv.App.Slots != nil:
		return nil, errors.New("strategy.steps: a gray release on hosts with slots is not supported yet")
	case len(t.hosts) != len(t.inv.Hosts):
		return nil, fmt.Errorf("strategy.steps: a gray release needs every host of the fleet selected (%d of %d are): the share is over all instances; run it without --limit/--selector", len(t.hosts), len(t.inv.Hosts))
	case len(p.Canary) == 0 || len(p.Canary) == len(t.hosts):
		return nil, fmt.Errorf("strategy.steps: a gray release needs canary hosts and stable ones (canary %d of %d hosts)", len(p.Canary), len(t.hosts))
	}
	g := &grayRelease{t: t, fc: fc, steps: steps, canary: slices.Clone(p.Canary)}
	for _, h := range t.hosts {
		if !slices.Contains(g.canary, h.Name) {
			g.stable = append(g.stable, h.Name)
			if s := fc.get(h.Name); s != nil && g.from == "" {
				g.from = s.current
			}
		}
	}
	// Every step's share must be within reach before anything changes.
	for i, s := range steps {
		if s.Kind == inventory.StepWeight && s.Weight < 100 {
			if _, err := g.split(s.Weight); err != nil {
				return nil, fmt.Errorf("strategy.steps[%d]: %w", i, err)
			}
		}
	}
	return g, nil
}

func (g *grayRelease) split(share float64) (plan.Split, error) {
	return plan.Weights(share, len(g.canary), len(g.stable), agent.NormalWeights.Passing)
}

// entry is the first step's split: the canary hosts register at its
// canary weight, after every stable instance took its stable weight
// (equal among them, so the stable instances' shares do not move).
func (g *grayRelease) entry(ctx context.Context) (map[string]int, error) {
	first := g.steps[0]
	sp, err := g.split(first.Weight)
	if err != nil {
		return nil, err
	}
	g.shifted = true
	if err := g.setWeights(ctx, g.stable, sp.Stable); err != nil {
		return nil, fmt.Errorf("gray release: stable weights: %w", err)
	}
	w := map[string]int{}
	for _, h := range g.canary {
		w[h] = sp.Canary
	}
	g.emitShift(0, sp)
	return w, nil
}

// afterCanary runs the steps after the first, once the canary hosts
// serve at the first step's share. nil: the release reached 100% and
// every weight is normal again; the plan goes on with the rest.
func (g *grayRelease) afterCanary(co Canary, id, version string) func(context.Context, []string) error {
	return func(ctx context.Context, _ []string) error {
		for i := 1; i < len(g.steps); i++ {
			err := g.step(ctx, i, version)
			if errors.Is(err, errInconclusive) {
				return g.t.pause(ctx, g.fc, id, version, err.Error())
			}
			if err != nil {
				return err
			}
			if s := g.steps[i]; s.Kind == inventory.StepPause && s.Pause == 0 {
				return g.t.pause(ctx, g.fc, id, version, fmt.Sprintf("gray release paused at step %d", i+1))
			}
		}
		return nil
	}
}

// step carries out steps[i].
func (g *grayRelease) step(ctx context.Context, i int, version string) error {
	s := g.steps[i]
	switch s.Kind {
	case inventory.StepWeight:
		if s.Weight >= 100 {
			return g.restore(ctx)
		}
		sp, err := g.split(s.Weight)
		if err != nil {
			return err
		}
		return g.shift(ctx, i, sp)
	case inventory.StepPause:
		if s.Pause == 0 {
			return nil // afterCanary pauses the run
		}
		return g.t.analysisClock().sleep(ctx, s.Pause)
	case inventory.StepAnalysis:
		return g.t.analyse(ctx, g.fc, g.canary, i, s.Analysis.Spec, g.vars(i, version))
	}
	return fmt.Errorf("strategy.steps[%d]: unknown kind %q", i, s.Kind)
}

// shift moves the share: the side that grows first, so that the canary
// never holds more than the larger of the two steps' shares meanwhile.
func (g *grayRelease) shift(ctx context.Context, i int, sp plan.Split) error {
	if err := g.setWeights(ctx, g.stable, sp.Stable); err != nil {
		return fmt.Errorf("gray release step %d: %w", i+1, err)
	}
	if err := g.setWeights(ctx, g.canary, sp.Canary); err != nil {
		return fmt.Errorf("gray release step %d: %w", i+1, err)
	}
	g.emitShift(i, sp)
	return nil
}

// restore puts every instance back on the normal weights: the 100% step,
// and the end of a run that did not reach it (failed, rolled back,
// interrupted), whatever happened.
func (g *grayRelease) restore(ctx context.Context) error {
	if !g.shifted {
		return nil
	}
	all := append(slices.Clone(g.canary), g.stable...)
	if err := g.setWeights(ctx, all, 0); err != nil {
		return fmt.Errorf("gray release: restore normal weights: %w", err)
	}
	g.shifted = false
	share := 100 * float64(len(g.canary)) / float64(len(all))
	g.t.out.emit(Event{Kind: KindTrafficShifted, Step: "normal", Share: &share, Hosts: len(all),
		Message: "every instance back on its normal weight"})
	return nil
}

func (g *grayRelease) setWeights(ctx context.Context, hosts []string, w int) error {
	return g.fc.eachHost(ctx, hosts, g.t.inv.Strategy.Parallel, "weight", func(ctx context.Context, s *hostSession) error {
		_, err := s.agent.Weight(ctx, agent.WeightArgs{Weight: w})
		return err
	})
}

func (g *grayRelease) emitShift(i int, sp plan.Split) {
	share := sp.Share
	g.t.out.emit(Event{Kind: KindTrafficShifted, Step: "step " + strconv.Itoa(i+1), Share: &share, Hosts: len(g.canary),
		Message: fmt.Sprintf("canary %s: %.4g%% of requests (weights %d canary, %d stable)", g.canary, sp.Share, sp.Canary, sp.Stable)})
}

func (g *grayRelease) vars(i int, version string) analysis.Vars {
	v := g.t.analysisVars(g.canary, version)
	v.PreviousVersion, v.Step = g.from, i
	return v
}

// restoreWeights is the end of a run that shifted weights and is not
// paused: every instance back on normal, even when the run was
// interrupted (under a fresh context, as the other cleanups).
func (t *target) restoreWeights(fc *fleetConn) {
	if t.gray == nil {
		return
	}
	ctx, cancel := cleanupContext(context.Background())
	defer cancel()
	if err := t.gray.restore(ctx); err != nil {
		t.log.Error("weights not restored: run `fleet rollback` or a new rollout to put them back", "err", err)
		t.out.emit(Event{Kind: KindTrafficShifted, Step: "normal", Error: err.Error(),
			Message: "weights NOT restored: `fleet rollback` or a new rollout puts them back"})
	}
}

// normalizeWeights puts back on normal the weights that a gray release
// left on hosts this run holds (its controller killed, or paused before
// this promote or rollback): hosts whose status showed one. A failure is
// logged: the run goes on, and the next one tries again.
func (t *target) normalizeWeights(ctx context.Context, fc *fleetConn) {
	var hosts []string
	for _, h := range t.hosts {
		if s := fc.get(h.Name); s != nil && s.weighted {
			hosts = append(hosts, h.Name)
		}
	}
	if len(hosts) == 0 {
		return
	}
	err := fc.eachHost(ctx, hosts, t.inv.Strategy.Parallel, "weight", func(ctx context.Context, s *hostSession) error {
		_, err := s.agent.Weight(ctx, agent.WeightArgs{})
		if err == nil {
			s.weighted = false
		}
		return err
	})
	if err != nil {
		t.log.Warn("normal weights", "err", err)
	}
	t.out.emit(Event{Kind: KindTrafficShifted, Step: "normal", Hosts: len(hosts),
		Message: fmt.Sprintf("weights left by an earlier gray release back to normal on %v", hosts)})
}

// needQuerier refuses, before anything changes, a run with an analysis
// and nothing to ask.
func (t *target) needQuerier() error {
	if t.querier != nil {
		return nil
	}
	if t.inv.Strategy.CanaryAnalysis != nil {
		return errors.New("strategy.canary_analysis: no metrics source: app.analysis.prometheus is needed")
	}
	for i, s := range t.inv.Strategy.Steps {
		if s.Kind == inventory.StepAnalysis {
			return fmt.Errorf("strategy.steps[%d]: no metrics source: app.analysis.prometheus is needed", i)
		}
	}
	return nil
}
