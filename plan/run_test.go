package plan_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/fleetdeploy/fleet/plan"
)

// hosts makes targets going from v1 to v2.
func hosts(names ...string) []plan.Target {
	ts := make([]plan.Target, len(names))
	for i, n := range names {
		ts[i] = plan.Target{Host: n, From: "v1", To: "v2"}
	}
	return ts
}

func mustCompute(t *testing.T, targets []plan.Target, s plan.Strategy) plan.Plan {
	t.Helper()
	p, err := plan.Compute(plan.KindRollout, targets, s)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	return p
}

func assertInFlight(t *testing.T, g *gateHost, want ...string) {
	t.Helper()
	got := g.pendingHosts()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("in flight = %v, want %v", got, want)
	}
}

func assertStates(t *testing.T, res plan.Result, want ...plan.State) {
	t.Helper()
	var got []plan.State
	for _, h := range res.Hosts {
		got = append(got, h.State)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("states = %v, want %v", got, want)
	}
}

// failOn returns a decide func for drive that fails the activation of
// the named hosts and lets every other step succeed.
func failOn(hosts ...string) func(plan.Step) error {
	return func(s plan.Step) error {
		if s.Kind == plan.StepActivate && slices.Contains(hosts, s.Host) {
			return errUnhealthy
		}
		return nil
	}
}

var errUnhealthy = errors.New("unhealthy")

const (
	done     = plan.StateDone
	failed   = plan.StateFailed
	notRun   = plan.StateNotStarted
	skip     = plan.StateSkipped
	reverted = plan.StateRolledBack
)

// With a window of 2 and host a stuck, b, c and d each start the moment
// the previous one finishes: the window slides past the slow host instead
// of waiting for the wave {a, b} to finish.
func TestRun_SlidingWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, hosts("a", "b", "c", "d"), plan.Strategy{MaxUnavailable: num(2)})
		g := &gateHost{}
		result := started(t.Context(), p, g, plan.Options{})

		synctest.Wait()
		assertInFlight(t, g, "a", "b")
		g.finishHost(t, "b", nil)
		synctest.Wait()
		assertInFlight(t, g, "a", "c")
		g.finishHost(t, "c", nil)
		synctest.Wait()
		assertInFlight(t, g, "a", "d")
		g.finishHost(t, "d", nil)
		synctest.Wait()
		assertInFlight(t, g, "a") // b, c and d are done; a was never released

		g.finishHost(t, "a", nil)
		res := <-result
		assertStates(t, res, done, done, done, done)
		if res.Err() != nil || g.all.max.Load() != 2 {
			t.Errorf("err = %v, max in flight = %d; want nil, 2", res.Err(), g.all.max.Load())
		}
	})
}

// The first Ctrl-C: nothing new starts, the rest is marked not started at
// once, and the steps in flight run to their end on a context that is
// never cancelled.
func TestRun_CancelLetsInFlightFinish(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		p := mustCompute(t, fleet(6), plan.Strategy{MaxUnavailable: num(2), AutoRollback: true})
		g := &gateHost{}
		rec := &recorder{}
		result := started(ctx, p, g, plan.Options{Observer: rec.observe})
		synctest.Wait()
		assertInFlight(t, g, "h00", "h01")

		cancel()
		synctest.Wait()
		notStarted := 0
		for _, ev := range rec.all() {
			if ev.To == plan.StateNotStarted {
				notStarted++
			}
		}
		if notStarted != 4 {
			t.Fatalf("after cancel, with h00 and h01 in flight: %d hosts marked not started, want 4", notStarted)
		}

		g.finishHost(t, "h01", nil)
		g.finishHost(t, "h00", nil)
		res := <-result
		assertStates(t, res, done, done, notRun, notRun, notRun, notRun)
		if !res.Interrupted || res.Halted || res.Rollback != nil {
			t.Errorf("interrupted, halted, rollback = %v, %v, %v; want true, false, nil", res.Interrupted, res.Halted, res.Rollback)
		}
		if !errors.Is(res.Err(), plan.ErrInterrupted) {
			t.Errorf("Err() = %v, want ErrInterrupted", res.Err())
		}
		for _, c := range g.calls {
			if c.ctxErr != nil {
				t.Errorf("%s: Apply's context was cancelled: %v", c.step.Host, c.ctxErr)
			}
		}
		if len(g.calls) != 2 {
			t.Errorf("Apply called %d times, want 2", len(g.calls))
		}
	})
}

func TestRun_InterruptSkipsAutoRollback(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		p := mustCompute(t, fleet(4), plan.Strategy{MaxUnavailable: num(2), AutoRollback: true})
		g := &gateHost{}
		result := started(ctx, p, g, plan.Options{})
		synctest.Wait()
		cancel()
		g.finishHost(t, "h00", errUnhealthy)
		g.finishHost(t, "h01", nil)
		res := <-result
		assertStates(t, res, failed, done, notRun, notRun)
		if !res.Halted || !res.Interrupted || res.Rollback != nil || len(g.calls) != 2 {
			t.Errorf("halted %v, interrupted %v, rollback %v, %d calls; want true, true, nil, 2",
				res.Halted, res.Interrupted, res.Rollback, len(g.calls))
		}
	})
}

func TestRun_FailureBudget(t *testing.T) {
	tests := []struct {
		name        string
		n           int
		maxFailures plan.IntOrPercent
		fail        []string
		want        []plan.State
		wantHalted  bool
	}{
		{"zero budget halts on the first failure", 4, num(0), []string{"h01"},
			[]plan.State{done, failed, notRun, notRun}, true},
		{"budget 1 tolerates one failure", 4, num(1), []string{"h01"},
			[]plan.State{done, failed, done, done}, false},
		{"budget 1 halts on the second", 5, num(1), []string{"h01", "h03"},
			[]plan.State{done, failed, done, failed, notRun}, true},
		{"percent budget: 20% of 10 is 2", 10, pct(20), []string{"h00", "h01", "h02"},
			[]plan.State{failed, failed, failed, notRun, notRun, notRun, notRun, notRun, notRun, notRun}, true},
		{"failing last host still counts", 2, num(0), []string{"h01"},
			[]plan.State{done, failed}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := mustCompute(t, fleet(tt.n), plan.Strategy{MaxUnavailable: num(1), MaxFailures: tt.maxFailures})
				res, _ := drive(t, t.Context(), p, plan.Options{}, failOn(tt.fail...))
				assertStates(t, res, tt.want...)
				if res.Halted != tt.wantHalted || errors.Is(res.Err(), plan.ErrBudgetExceeded) != tt.wantHalted {
					t.Errorf("halted = %v, err = %v; want halted %v", res.Halted, res.Err(), tt.wantHalted)
				}
				var he *plan.HostError
				if !errors.As(res.Err(), &he) || he.Host != tt.fail[0] || he.Op != "activate" || !errors.Is(he, errUnhealthy) {
					t.Errorf("Err() = %v, want a HostError for %s", res.Err(), tt.fail[0])
				}
			})
		})
	}
}

func TestRun_AutoRollback(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, hosts("a", "b", "c", "d"), plan.Strategy{MaxUnavailable: num(1), AutoRollback: true})
		rec := &recorder{}
		res, g := drive(t, t.Context(), p, plan.Options{Observer: rec.observe}, failOn("b"))

		var got []string
		for _, s := range g.steps() {
			got = append(got, string(s.Kind)+" "+s.Host+" "+s.From+"->"+s.To)
		}
		want := []string{"activate a v1->v2", "activate b v1->v2", "revert b v2->v1", "revert a v2->v1"}
		if !slices.Equal(got, want) {
			t.Fatalf("steps = %q, want %q (failed host first)", got, want)
		}
		assertStates(t, res, reverted, reverted, notRun, notRun)
		if res.Rollback == nil || res.Rollback.Kind != plan.KindRollback || len(res.Rollback.Hosts) != 2 || res.Rollback.Err() != nil {
			t.Fatalf("rollback result = %+v", res.Rollback)
		}
		err := res.Err()
		if !errors.Is(err, plan.ErrBudgetExceeded) || !strings.Contains(err.Error(), "host b: activate: unhealthy") {
			t.Errorf("Err() = %v", err)
		}
		if res.Hosts[1].Err == nil {
			t.Error("b's activation error was dropped by the rollback")
		}
		last := rec.all()[len(rec.all())-1]
		if last.Host != "a" || last.Kind != plan.StepRevert || last.From != done || last.To != reverted {
			t.Errorf("last event = %+v, want a done -> rolled-back", last)
		}
		if changed := res.Changed(); !slices.Equal(changed, []string{"a", "b"}) {
			t.Errorf("Changed() = %v, want [a b]", changed)
		}
	})
}

func TestRun_RollbackFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, hosts("a", "b", "c"), plan.Strategy{MaxUnavailable: num(1), AutoRollback: true})
		errStuck := errors.New("unit failed")
		res, _ := drive(t, t.Context(), p, plan.Options{}, func(s plan.Step) error {
			switch {
			case s.Kind == plan.StepActivate && s.Host == "b":
				return errUnhealthy
			case s.Kind == plan.StepRevert && s.Host == "a":
				return errStuck
			}
			return nil
		})
		assertStates(t, res, plan.StateRollbackFailed, reverted, notRun)
		err := res.Err()
		if !errors.Is(err, errStuck) || !strings.Contains(err.Error(), "host a: revert: unit failed") {
			t.Errorf("Err() = %v, want the revert failure of a", err)
		}
	})
}

func TestRun_SkippedHostsNeverReachApply(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		targets := []plan.Target{
			{Host: "a", From: "v1", To: "v2"},
			{Host: "b", From: "v2", To: "v2"},
			{Host: "c", From: "v1", To: "v2"},
			{Host: "d", From: "v2", To: "v2"},
		}
		rec := &recorder{}
		p := mustCompute(t, targets, plan.Strategy{MaxUnavailable: num(1)})
		res, g := drive(t, t.Context(), p, plan.Options{Observer: rec.observe}, failOn("a"))
		assertStates(t, res, failed, skip, notRun, skip)
		if len(g.calls) != 1 {
			t.Errorf("Apply called for %v, want only a", g.steps())
		}
		for _, ev := range rec.all() {
			if (ev.Host == "b" || ev.Host == "d") && (ev.From != plan.StatePending || ev.To != skip) {
				t.Errorf("skipped host event %+v, want pending -> skipped", ev)
			}
		}
	})
}

func TestRun_RollbackPlanRevertsHosts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := plan.Compute(plan.KindRollback, []plan.Target{{Host: "a", From: "v2", To: "v1"}}, plan.Strategy{MaxUnavailable: num(1)})
		if err != nil {
			t.Fatal(err)
		}
		res, g := drive(t, t.Context(), p, plan.Options{}, failOn())
		if steps := g.steps(); len(steps) != 1 || steps[0].Kind != plan.StepRevert || steps[0].To != "v1" {
			t.Errorf("steps = %+v, want one revert to v1", steps)
		}
		if res.Kind != plan.KindRollback || res.Hosts[0].State != done {
			t.Errorf("result = %+v", res)
		}
	})
}

func TestRun_NowStampsResults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, hosts("a", "b"), plan.Strategy{MaxUnavailable: num(1)})
		tick := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		now := func() time.Time { tick = tick.Add(time.Second); return tick }
		rec := &recorder{}
		res, _ := drive(t, t.Context(), p, plan.Options{Observer: rec.observe, Now: now}, failOn())
		for _, h := range res.Hosts {
			if h.Started.IsZero() || !h.Finished.After(h.Started) {
				t.Errorf("%s started %v finished %v", h.Host, h.Started, h.Finished)
			}
		}
		events := rec.all()
		for i := 1; i < len(events); i++ {
			if !events[i].Time.After(events[i-1].Time) {
				t.Errorf("event %d at %v, not after %v", i, events[i].Time, events[i-1].Time)
			}
		}

		res, _ = drive(t, t.Context(), p, plan.Options{}, failOn())
		if h := res.Hosts[0]; !h.Started.IsZero() || !h.Finished.IsZero() || h.Seq != 1 {
			t.Errorf("without Now: %+v, want zero times and Seq 1", h)
		}
	})
}

func TestRun_EmptyPlan(t *testing.T) {
	res := plan.Run(t.Context(), plan.Plan{Window: 1}, nil, plan.Options{})
	if res.Err() != nil || len(res.Hosts) != 0 || res.Changed() != nil {
		t.Errorf("empty run = %+v", res)
	}
}

func TestResult_LogValue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, hosts("a", "b", "c"), plan.Strategy{MaxUnavailable: num(1), AutoRollback: true})
		res, _ := drive(t, t.Context(), p, plan.Options{}, failOn("b"))
		got := res.LogValue().String()
		for _, want := range []string{"kind=rollout", "rolled-back=2", "not-started=1", "failed_hosts=[b]", "halted=true", "rollback=[kind=rollback", "done=2"} {
			if !strings.Contains(got, want) {
				t.Errorf("LogValue() = %s, missing %s", got, want)
			}
		}
	})
}

func TestHostError_Error(t *testing.T) {
	err := error(&plan.HostError{Host: "web2", Op: "activate", Err: errUnhealthy})
	if err.Error() != "host web2: activate: unhealthy" || !errors.Is(err, errUnhealthy) {
		t.Errorf("HostError = %q", err)
	}
}
