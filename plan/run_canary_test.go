package plan_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/fleetdeploy/fleet/plan"
)

// Hosts start in strict plan order: c could surge at once, but waits
// behind b, which waits for the one in-place token.
func TestRun_TwoPoolsStrictOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, slotted(hosts("a", "b", "c", "d"), "c", "d"), plan.Strategy{MaxUnavailable: num(1), MaxSurge: num(1)})
		g := &gateHost{}
		result := started(t.Context(), p, g, plan.Options{})
		synctest.Wait()
		assertInFlight(t, g, "a")
		g.finishHost(t, "a", nil)
		synctest.Wait()
		assertInFlight(t, g, "b", "c") // one in place, one surging
		g.finishHost(t, "b", nil)
		synctest.Wait()
		assertInFlight(t, g, "c") // d surges too: it waits for c's token
		g.finishHost(t, "c", nil)
		synctest.Wait()
		assertInFlight(t, g, "d")
		g.finishHost(t, "d", nil)
		res := <-result
		assertStates(t, res, done, done, done, done)
		var modes []string
		for _, s := range g.steps() {
			modes = append(modes, s.Host+" "+string(s.Mode))
		}
		slices.Sort(modes) // b and c started together: either may reach Apply first
		if want := []string{"a in-place", "b in-place", "c surge", "d surge"}; !slices.Equal(modes, want) {
			t.Errorf("steps = %q, want %q", modes, want)
		}
		if g.inPlace.max.Load() != 1 || g.surge.max.Load() != 1 {
			t.Errorf("max in flight: %d in place, %d surging; want 1, 1", g.inPlace.max.Load(), g.surge.max.Load())
		}
	})
}

// With maxUnavailable 0 every host surges: no capacity is ever lost.
func TestRun_SurgeOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, allSlotted(fleet(5)), plan.Strategy{MaxSurge: num(2)})
		res, g := drive(t, t.Context(), p, plan.Options{}, failOn())
		assertStates(t, res, done, done, done, done, done)
		if g.inPlace.max.Load() != 0 || g.surge.max.Load() != 2 {
			t.Errorf("max in flight: %d in place, %d surging; want 0, 2", g.inPlace.max.Load(), g.surge.max.Load())
		}
	})
}

// A failed surge host is rolled back surging too, within the same pools.
func TestRun_AutoRollbackKeepsModes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, slotted(hosts("a", "b", "c"), "a", "b"), plan.Strategy{MaxUnavailable: num(1), MaxSurge: num(1), AutoRollback: true})
		res, g := drive(t, t.Context(), p, plan.Options{}, failOn("c"))
		var got []string
		for _, s := range g.steps() {
			got = append(got, fmt.Sprintf("%s %s %s", s.Kind, s.Host, s.Mode))
		}
		slices.Sort(got) // steps of the two pools run side by side
		want := []string{
			"activate a surge", "activate b surge", "activate c in-place",
			"revert a surge", "revert b surge", "revert c in-place",
		}
		if !slices.Equal(got, want) {
			t.Fatalf("steps = %q, want %q", got, want)
		}
		assertStates(t, res, reverted, reverted, reverted)
		if r := res.Rollback; r == nil || r.Hosts[1].Mode != plan.ModeSurge {
			t.Errorf("rollback result = %+v, want b surging", r)
		}
	})
}

// canaryRecorder is an AfterCanary that records its calls and what was in
// flight at each, then answers verdict.
type canaryRecorder struct {
	g       *gateHost
	verdict error
	calls   [][]string
	flying  []string
	before  func()
}

func (c *canaryRecorder) after(_ context.Context, canary []string) error {
	c.calls = append(c.calls, canary)
	c.flying = append(c.flying, c.g.pendingHosts()...)
	if c.before != nil {
		c.before()
	}
	return c.verdict
}

// The canary finishes whole before anything else starts, then
// AfterCanary decides.
func TestRun_CanaryBarrier(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, fleet(5), plan.Strategy{MaxUnavailable: num(2), Canary: num(2)})
		g := &gateHost{}
		c := &canaryRecorder{g: g}
		result := started(t.Context(), p, g, plan.Options{AfterCanary: c.after})
		synctest.Wait()
		assertInFlight(t, g, "h00", "h01")
		g.finishHost(t, "h00", nil)
		synctest.Wait()
		assertInFlight(t, g, "h01") // a free token, but h02 waits for the canary
		if len(c.calls) != 0 {
			t.Fatalf("AfterCanary called before the canary finished: %v", c.calls)
		}
		g.finishHost(t, "h01", nil)
		synctest.Wait()
		assertInFlight(t, g, "h02", "h03")
		if !slices.EqualFunc(c.calls, [][]string{{"h00", "h01"}}, slices.Equal) || len(c.flying) != 0 {
			t.Fatalf("AfterCanary calls %v with %v in flight; want one call with the canary, nothing in flight", c.calls, c.flying)
		}
		g.finishHost(t, "h02", nil)
		g.finishHost(t, "h03", nil)
		synctest.Wait()
		g.finishHost(t, "h04", nil)
		res := <-result
		assertStates(t, res, done, done, done, done, done)
		if res.Err() != nil || len(c.calls) != 1 {
			t.Errorf("err %v, %d AfterCanary calls", res.Err(), len(c.calls))
		}
	})
}

// A pause stops after the canary with nothing rolled back; a later run
// resumes, the canary hosts skipped since they are already there.
func TestRun_CanaryPause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := plan.Strategy{MaxUnavailable: num(1), Canary: num(1), AutoRollback: true}
		p := mustCompute(t, fleet(3), s)
		rec := &recorder{}
		c := &canaryRecorder{verdict: fmt.Errorf("%w: resume with fleet rollout --resume", plan.ErrPaused)}
		c.g = &gateHost{}
		res, g := drive(t, t.Context(), p, plan.Options{Observer: rec.observe, AfterCanary: c.after}, failOn())
		assertStates(t, res, done, notRun, notRun)
		err := res.Err()
		if !res.Paused || res.Halted || res.Interrupted || res.Rollback != nil || len(g.steps()) != 1 {
			t.Fatalf("paused %v, halted %v, interrupted %v, rollback %v, steps %v", res.Paused, res.Halted, res.Interrupted, res.Rollback, g.steps())
		}
		if !errors.Is(err, plan.ErrPaused) || errors.Is(err, plan.ErrBudgetExceeded) || !strings.Contains(err.Error(), "after the canary: paused: resume with") {
			t.Errorf("Err() = %v, want the pause", err)
		}
		for _, ev := range rec.all() {
			if ev.To == plan.StateNotStarted && ev.Reason != "not started: paused after the canary" {
				t.Errorf("not-started reason %q", ev.Reason)
			}
		}

		// Resume: the canary host now runs v2, so it is skipped; the
		// controller drops the canary, which already passed.
		targets := fleet(3)
		targets[0].From = "v2"
		s.Canary = plan.IntOrPercent{}
		res, g = drive(t, t.Context(), mustCompute(t, targets, s), plan.Options{}, failOn())
		assertStates(t, res, skip, done, done)
		if res.Err() != nil || len(g.steps()) != 2 {
			t.Errorf("resumed: err %v, steps %v", res.Err(), g.steps())
		}
	})
}

// A failed bake halts, and the auto-rollback undoes the canary.
func TestRun_CanaryBakeFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, fleet(4), plan.Strategy{MaxUnavailable: num(1), Canary: num(2), MaxFailures: num(1), AutoRollback: true})
		errRate := errors.New("error rate 5% above 1%")
		c := &canaryRecorder{g: &gateHost{}, verdict: errRate}
		rec := &recorder{}
		res, g := drive(t, t.Context(), p, plan.Options{Observer: rec.observe, AfterCanary: c.after}, failOn())
		assertStates(t, res, reverted, reverted, notRun, notRun)
		if !res.Halted || res.Paused || res.Rollback == nil || !errors.Is(res.CanaryErr, errRate) {
			t.Fatalf("halted %v, paused %v, rollback %v, canary error %v", res.Halted, res.Paused, res.Rollback, res.CanaryErr)
		}
		err := res.Err()
		if !errors.Is(err, plan.ErrCanaryFailed) || !errors.Is(err, errRate) || errors.Is(err, plan.ErrBudgetExceeded) {
			t.Errorf("Err() = %v, want ErrCanaryFailed wrapping the bake's error", err)
		}
		for _, s := range g.steps() {
			if s.Kind == plan.StepRevert && !strings.Contains(s.Reason, "undo v2: the canary failed its bake") {
				t.Errorf("revert reason %q does not say the bake failed", s.Reason)
			}
		}
		for _, ev := range rec.all() {
			if ev.To == plan.StateNotStarted && ev.Reason != "not started: the canary failed its bake" {
				t.Errorf("not-started reason %q", ev.Reason)
			}
		}
	})
}

// A canary failure within the budget still reaches AfterCanary; one
// beyond it halts without asking.
func TestRun_CanaryFailures(t *testing.T) {
	tests := []struct {
		name        string
		maxFailures int
		wantCalls   int
		want        []plan.State
	}{
		{"within budget", 1, 1, []plan.State{failed, done, done}},
		{"beyond budget", 0, 0, []plan.State{failed, notRun, notRun}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := mustCompute(t, fleet(3), plan.Strategy{MaxUnavailable: num(1), Canary: num(1), MaxFailures: num(tt.maxFailures)})
				c := &canaryRecorder{g: &gateHost{}}
				res, _ := drive(t, t.Context(), p, plan.Options{AfterCanary: c.after}, failOn("h00"))
				assertStates(t, res, tt.want...)
				if len(c.calls) != tt.wantCalls {
					t.Errorf("AfterCanary called %d times, want %d", len(c.calls), tt.wantCalls)
				}
			})
		})
	}
}

// Ctrl-C while baking: the bake's error is the interrupt, not a verdict;
// nothing is rolled back.
func TestRun_CanaryInterruptedWhileBaking(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		p := mustCompute(t, fleet(3), plan.Strategy{MaxUnavailable: num(1), Canary: num(1), AutoRollback: true})
		bake := func(ctx context.Context, _ []string) error {
			cancel()
			<-ctx.Done()
			return ctx.Err()
		}
		res, _ := drive(t, ctx, p, plan.Options{AfterCanary: bake}, failOn())
		assertStates(t, res, done, notRun, notRun)
		if !res.Interrupted || res.Halted || res.Paused || res.CanaryErr != nil || res.Rollback != nil {
			t.Errorf("interrupted %v, halted %v, paused %v, canary error %v, rollback %v",
				res.Interrupted, res.Halted, res.Paused, res.CanaryErr, res.Rollback)
		}
	})
}
