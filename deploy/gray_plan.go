package deploy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/fleetdeploy/fleet/inventory"
)

// GrayStep is one of strategy.steps as a rollout would carry it out: for
// a weight step, the canary hosts, the weights and the share they give.
type GrayStep struct {
	Step   int // from 1, as in the events
	Kind   inventory.StepKind
	Canary []string
	// Weight steps: the Consul weight of each canary and each stable
	// instance (0: normal) and the canary set's share they give, percent.
	CanaryWeight, StableWeight int
	Share                      float64
	Text                       string // the step for people
}

// plan is g's steps as the rollout would carry them out; nil for nil.
func (g *grayRelease) plan() []GrayStep {
	if g == nil {
		return nil
	}
	out := make([]GrayStep, 0, len(g.steps))
	for i, s := range g.steps {
		gs := GrayStep{Step: i + 1, Kind: s.Kind, Canary: g.canary}
		switch s.Kind {
		case inventory.StepWeight:
			gs.Share, gs.Text = g.planWeight(s.Weight, &gs)
		case inventory.StepPause:
			gs.Text = "pause until `fleet promote`"
			if s.Pause > 0 {
				gs.Text = "pause " + s.Pause.String()
			}
		case inventory.StepAnalysis:
			gs.Text = "analysis " + analysisText(s.Analysis)
		}
		out = append(out, gs)
	}
	return out
}

func (g *grayRelease) planWeight(w float64, gs *GrayStep) (float64, string) {
	if w >= 100 {
		return 100, "100%: every weight back to normal, then the rest of the fleet"
	}
	sp, err := g.split(w)
	if err != nil { // newGrayRelease checked every share
		return 0, err.Error()
	}
	gs.CanaryWeight, gs.StableWeight = sp.Canary, sp.Stable
	return sp.Share, fmt.Sprintf("%s%% of requests to %s (weight %d each, %d stable instances at %d)",
		strconv.FormatFloat(sp.Share, 'g', 4, 64), strings.Join(g.canary, " "), sp.Canary, len(g.stable), sp.Stable)
}

func analysisText(a *inventory.AnalysisStep) string {
	var names []string
	for _, m := range a.Spec.Metrics {
		names = append(names, fmt.Sprintf("%s %s", m.Name, m.Condition))
	}
	return strings.Join(names, ", ")
}

// GrayStepEvents are a plan's gray steps as plan_step events.
func GrayStepEvents(steps []GrayStep) []Event {
	evs := make([]Event, 0, len(steps))
	for _, s := range steps {
		ev := Event{Kind: KindPlanStep, Step: "step " + strconv.Itoa(s.Step), State: string(s.Kind), Message: s.Text}
		if s.Kind == inventory.StepWeight {
			share := s.Share
			ev.Share, ev.Hosts = &share, len(s.Canary)
		}
		evs = append(evs, ev)
	}
	return evs
}
