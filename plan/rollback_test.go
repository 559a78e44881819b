package plan_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/plan"
)

// resultOf fakes the Result of running p: states[i] and seqs[i] for
// p.Hosts[i] (seq 0 for hosts that never finished).
func resultOf(p plan.Plan, halted bool, states []plan.State, seqs []int) plan.Result {
	r := plan.Result{Kind: p.Kind, Halted: halted}
	for i, h := range p.Hosts {
		hr := plan.HostResult{Host: h.Host, From: h.From, To: h.To, State: states[i], Seq: seqs[i]}
		if states[i] == plan.StateFailed {
			hr.Err = errors.New("unhealthy")
		}
		r.Hosts = append(r.Hosts, hr)
	}
	return r
}

func TestComputeRollback_Order(t *testing.T) {
	targets := fleet(6)
	targets[5].To = "v1" // h05 skipped
	p, err := plan.Compute(plan.KindRollout, targets, plan.Strategy{MaxUnavailable: num(2), MaxFailures: num(1), AutoRollback: true})
	if err != nil {
		t.Fatal(err)
	}
	const (
		done    = plan.StateDone
		failed  = plan.StateFailed
		notRun  = plan.StateNotStarted
		skipped = plan.StateSkipped
	)
	// Finished in the order h01, h03(failed), h00, h02(failed); h04 never started.
	res := resultOf(p, true,
		[]plan.State{done, done, failed, failed, notRun, skipped},
		[]int{3, 1, 4, 2, 0, 0})
	rb, err := plan.ComputeRollback(p, res)
	if err != nil {
		t.Fatal(err)
	}
	// Failed first in the order they failed, then the rest latest first.
	assertPlan(t, rb, expectation{
		window: 2, budget: 4,
		order: []string{"h03", "h02", "h00", "h01"},
		waves: [][]string{{"h03", "h02"}, {"h00", "h01"}},
	})
	if rb.Kind != plan.KindRollback || rb.Strategy.AutoRollback || rb.Strategy.MaxUnavailable != p.Strategy.MaxUnavailable {
		t.Errorf("rollback kind/strategy = %s %+v", rb.Kind, rb.Strategy)
	}
	for _, h := range rb.Hosts {
		if h.From != "v2" || h.To != "v1" {
			t.Errorf("%s goes %q->%q, want v2->v1", h.Host, h.From, h.To)
		}
	}
	if r := rb.Hosts[0].Reason; !strings.Contains(r, "activating v2 failed") {
		t.Errorf("failed host's reason = %q", r)
	}
	if r := rb.Hosts[3].Reason; !strings.Contains(r, "rollback wave 2/2: undo v2") || !strings.Contains(r, "halted") {
		t.Errorf("done host's reason = %q", r)
	}
}

func TestComputeRollback_NothingChanged(t *testing.T) {
	p, err := plan.Compute(plan.KindRollout, fleet(3), plan.Strategy{MaxUnavailable: num(1)})
	if err != nil {
		t.Fatal(err)
	}
	ns := plan.StateNotStarted
	rb, err := plan.ComputeRollback(p, resultOf(p, false, []plan.State{ns, ns, ns}, []int{0, 0, 0}))
	if err != nil {
		t.Fatal(err)
	}
	if len(rb.Hosts) != 0 || len(rb.Waves) != 0 || rb.Window != 1 {
		t.Errorf("rollback of nothing = %+v", rb)
	}
}

func TestComputeRollback_WithoutSeqFallsBackToPlanOrder(t *testing.T) {
	p, err := plan.Compute(plan.KindRollout, fleet(4), plan.Strategy{MaxUnavailable: num(4)})
	if err != nil {
		t.Fatal(err)
	}
	d, f := plan.StateDone, plan.StateFailed
	rb, err := plan.ComputeRollback(p, resultOf(p, false, []plan.State{d, f, d, f}, []int{0, 0, 0, 0}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range rb.Hosts {
		got = append(got, h.Host)
	}
	if want := []string{"h01", "h03", "h02", "h00"}; !slices.Equal(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}

func TestComputeRollback_Mismatch(t *testing.T) {
	p, err := plan.Compute(plan.KindRollout, fleet(2), plan.Strategy{MaxUnavailable: num(1)})
	if err != nil {
		t.Fatal(err)
	}
	other, err := plan.Compute(plan.KindRollout, fleet(3), plan.Strategy{MaxUnavailable: num(1)})
	if err != nil {
		t.Fatal(err)
	}
	d := plan.StateDone
	renamed := resultOf(p, false, []plan.State{d, d}, []int{1, 2})
	renamed.Hosts[1].Host = "zz"
	wrongKind := resultOf(p, false, []plan.State{d, d}, []int{1, 2})
	wrongKind.Kind = plan.KindRollback
	tests := []struct {
		name string
		p    plan.Plan
		r    plan.Result
	}{
		{"fewer hosts", other, resultOf(p, false, []plan.State{d, d}, []int{1, 2})},
		{"other host", p, renamed},
		{"other kind", p, wrongKind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := plan.ComputeRollback(tt.p, tt.r); !errors.Is(err, plan.ErrResultMismatch) {
				t.Errorf("ComputeRollback error = %v, want ErrResultMismatch", err)
			}
		})
	}
}
