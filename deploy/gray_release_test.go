package deploy_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/analysis"
	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// instantClock runs analyses and pauses without waiting.
type instantClock struct{}

func (instantClock) Now() time.Time { return time.Now() }
func (instantClock) After(time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	c <- time.Now()
	return c
}

// errorRate answers every query with the same value, counting them.
type errorRate struct {
	value   float64
	queries atomic.Int64
	last    atomic.Value // string: the last query, rendered
}

func (q *errorRate) Query(ctx context.Context, promql string, at time.Time) (analysis.Sample, error) {
	q.queries.Add(1)
	q.last.Store(promql)
	return analysis.Sample{Value: q.value, HasData: true}, nil
}

const grayApp = `  analysis:
    prometheus: {address: "http://127.0.0.1:9"}
    templates:
      - name: errors
        metrics:
          - name: error_rate
            query: 'sum(rate(hello_requests_total{code=~"5..",version="{{.Version}}",host=~"{{.Hosts}}"}[30s]))'
            condition: < 0.01
            interval: 5s
            count: 2
`

const graySteps = `strategy:
  canary: 1
  steps:
    - weight: 10%
    - analysis: errors
    - weight: 50%
    - pause: 5s
`

// grayFleet is 3 simulated hosts registered in Consul, on v1.
func grayFleet(t *testing.T, q *errorRate) (*hostsim.Fleet, deploy.Options, *events) {
	t.Helper()
	f := hostsim.New(t, 3, hostsim.Options{Consul: true, AppExtra: grayApp})
	evs := &events{}
	o := simOptions(t, f, graySteps, evs)
	o.Strategy.Canary = plan.IntOrPercent{Value: 1}
	o.Querier, o.Clock = q, instantClock{}
	plain := o
	plain.Inventory = withoutSteps(o)
	plain.Artifact = artifact(t, "v1")
	if rec, err := deploy.Rollout(t.Context(), plain); err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout v1: %v %+v", err, rec.Result)
	}
	return f, o, evs
}

// A gray release of a good build: the canary enters at 10% (its weight
// and the stable ones' set before it takes traffic), the analysis passes,
// 50%, then 100%: every host on v2 and every weight normal again.
func TestGray_GoodBuildReachesEveryHostWithNormalWeights(t *testing.T) {
	q := &errorRate{value: 0.001}
	f, o, evs := grayFleet(t, q)
	o.Artifact = artifact(t, "v2")
	rec, err := deploy.Rollout(t.Context(), o)
	if err != nil || rec.Result == nil || rec.Result.Err() != nil {
		t.Fatalf("gray rollout: %v %+v", err, rec.Result)
	}
	for _, h := range f.Hosts() {
		if h.Current() != "v2" {
			t.Errorf("%s runs %q, want v2", h.Name(), h.Current())
		}
		if w := weights(t, h); w != agent.NormalWeights {
			t.Errorf("%s: weights %+v after the release, want normal", h.Name(), w)
		}
	}
	// 10% with 1 canary and 2 stable instances is 2 units against 9 each
	// (512 and 2304 in Consul), 50% is 2 against 1 (512, 256): the
	// canary registers at 512 and keeps it, the stable ones move.
	canary := rec.Plan.Canary[0]
	for _, h := range f.Hosts() {
		var got []string
		for _, e := range h.JournalEntries(t) {
			if e.RolloutID == rec.ID && (e.Op == agent.OpWeight || e.Op == agent.OpRegister) {
				got = append(got, fmt.Sprintf("%s %d", e.Op, e.Weight))
			}
		}
		want := []string{"weight 2304", "weight 256", "weight 0", "register 0"} // then its own wave
		if h.Name() == canary {
			want = []string{"register 512", "weight 512", "weight 0"}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: journalled weights %q, want %q", h.Name(), got, want)
		}
	}
	if got := shares(evs); !slices.Equal(got, []string{"10", "50", "normal"}) {
		t.Errorf("traffic_shifted shares %q, want 10, 50, normal", got)
	}
	if n := q.queries.Load(); n != 2 {
		t.Errorf("%d queries, want count 2", n)
	}
	if last, _ := q.last.Load().(string); !strings.Contains(last, `version="v2",host=~"`+canary+`"`) {
		t.Errorf("query not rendered for the canary: %s", last)
	}
}

// A build whose error rate fails the analysis is rolled back by itself:
// every host on v1, every weight normal, the verdict in the events.
func TestGray_FailedAnalysisRollsBackAndRestoresWeights(t *testing.T) {
	q := &errorRate{value: 0.05}
	f, o, evs := grayFleet(t, q)
	o.Artifact = artifact(t, "v2")
	rec, err := deploy.Rollout(t.Context(), o)
	if err != nil || rec.Result == nil {
		t.Fatalf("gray rollout: %v", err)
	}
	if !errors.Is(rec.Result.Err(), deploy.ErrAnalysisFailed) || deploy.Outcome(*rec.Result) != "failed, rolled back" {
		t.Errorf("outcome %q (%v), want failed, rolled back by ErrAnalysisFailed", deploy.Outcome(*rec.Result), rec.Result.Err())
	}
	for _, h := range f.Hosts() {
		if h.Current() != "v1" {
			t.Errorf("%s runs %q, want v1", h.Name(), h.Current())
		}
		if w := weights(t, h); w != agent.NormalWeights {
			t.Errorf("%s: weights %+v after the rollback, want normal", h.Name(), w)
		}
	}
	var verdict string
	for _, e := range evs.evs {
		if e.Kind == deploy.KindAnalysisDone {
			verdict = e.Result
		}
	}
	if verdict != string(analysis.Failed) {
		t.Errorf("analysis_done result %q, want failed", verdict)
	}
	if got := shares(evs); !slices.Equal(got, []string{"10", "normal"}) {
		t.Errorf("traffic_shifted shares %q, want 10 then normal", got)
	}
	// The canary's journal says why, and so does fleet history.
	for _, h := range f.Hosts() {
		var verdicts []string
		for _, e := range h.JournalEntries(t) {
			if e.RolloutID == rec.ID && e.Op == agent.OpVerdict {
				verdicts = append(verdicts, e.Result+" "+e.Reason)
			}
		}
		want := 0
		if h.Name() == rec.Plan.Canary[0] {
			want = 1
		}
		if len(verdicts) != want || want == 1 && !strings.HasPrefix(verdicts[0], "failed analysis step 2: error_rate 0.05") {
			t.Errorf("%s: verdicts journalled %q, want %d failed one", h.Name(), verdicts, want)
		}
	}
	// The report and JUnit carry the verdict.
	rep := rec.Report("rolled-back", 1, nil, time.Now(), time.Now())
	if len(rep.Analyses) != 1 || rep.Analyses[0].Name != "analysis step 2" || rep.Analyses[0].Result != "failed" ||
		!strings.HasPrefix(rep.Analyses[0].Error, "error_rate 0.05") {
		t.Errorf("report analyses %+v, want step 2 failed with its reason", rep.Analyses)
	}
	o.JournalEntries = 100
	hist, err := deploy.History(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	var why string
	for _, r := range hist {
		if r.ID == rec.ID {
			why = r.Why
		}
	}
	if !strings.HasPrefix(why, "failed: analysis step 2: error_rate 0.05") {
		t.Errorf("history's why %q, want the failed analysis", why)
	}
}

// Weights a killed controller left behind are put back on normal by the
// next rollback, and by the next rollout before it moves anything.
func TestGray_LeftoverWeightsAreNormalized(t *testing.T) {
	f, o, _ := grayFleet(t, &errorRate{})
	leave := func() {
		for i, h := range f.Hosts() {
			w := agent.Weights{Passing: 512 * (i + 1), Warning: 512 * (i + 1)}
			if err := h.Consul().SetWeights(context.Background(), "hello", w); err != nil {
				t.Fatal(err)
			}
		}
	}
	leave()
	o.To = "v1"
	if rec, err := deploy.Rollback(t.Context(), o); err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollback: %v %+v", err, rec.Result)
	}
	for _, h := range f.Hosts() {
		if w := weights(t, h); w != agent.NormalWeights {
			t.Errorf("after rollback %s: weights %+v, want normal", h.Name(), w)
		}
	}
	leave()
	plain := o
	plain.Inventory = withoutSteps(o)
	plain.Artifact = artifact(t, "v3")
	if rec, err := deploy.Rollout(t.Context(), plain); err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout: %v %+v", err, rec.Result)
	}
	for _, h := range f.Hosts() {
		if w := weights(t, h); w != agent.NormalWeights {
			t.Errorf("after rollout %s: weights %+v, want normal", h.Name(), w)
		}
	}
}

func weights(t *testing.T, h *hostsim.Host) agent.Weights {
	t.Helper()
	st, err := h.Consul().Instance(context.Background(), "hello")
	if err != nil || !st.Registered {
		t.Fatalf("%s: hello not registered: %v", h.Name(), err)
	}
	return st.Weights
}

// shares are the traffic_shifted events' shares, "normal" for a restore.
func shares(evs *events) []string {
	evs.mu.Lock()
	defer evs.mu.Unlock()
	var out []string
	for _, e := range evs.evs {
		if e.Kind != deploy.KindTrafficShifted {
			continue
		}
		if e.Step == "normal" {
			out = append(out, "normal")
			continue
		}
		out = append(out, fmt.Sprintf("%g", *e.Share))
	}
	return out
}

// withoutSteps is o's inventory as a plain rolling one.
func withoutSteps(o deploy.Options) *inventory.Inventory {
	inv := *o.Inventory
	inv.Strategy.Steps = nil
	return &inv
}

// fleet plan shows each step: the canary, the weights and the share they
// give; a share out of reach is refused by plan as by rollout.
func TestGray_PlanShowsEveryStep(t *testing.T) {
	_, o, _ := grayFleet(t, &errorRate{})
	o.Artifact = artifact(t, "v2")
	r, err := deploy.Plan(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range r.Gray {
		got = append(got, fmt.Sprintf("%d %s %g %d/%d", s.Step, s.Kind, s.Share, s.CanaryWeight, s.StableWeight))
	}
	want := []string{"1 weight 10 512/2304", "2 analysis 0 0/0", "3 weight 50 512/256", "4 pause 0 0/0", "5 weight 100 0/0"}
	if !slices.Equal(got, want) {
		t.Errorf("plan steps %q, want %q", got, want)
	}
	if evs := deploy.GrayStepEvents(r.Gray); len(evs) != 5 || evs[0].Kind != deploy.KindPlanStep || *evs[0].Share != 10 {
		t.Errorf("plan_step events %+v", evs)
	}
	o.Querier = nil
	if _, err := deploy.Plan(t.Context(), o); err == nil || !strings.Contains(err.Error(), "app.analysis.prometheus") {
		t.Errorf("plan without a metrics source: %v, want a refusal naming app.analysis.prometheus", err)
	}
}
