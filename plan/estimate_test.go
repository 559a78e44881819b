package plan_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/fleetdeploy/fleet/plan"
)

// timing is drain 5s, restart 2s, min healthy 10s: 17s a host.
var timing = plan.Timing{Drain: 5 * time.Second, Restart: 2 * time.Second, MinHealthy: 10 * time.Second}

func TestEstimateOf(t *testing.T) {
	const step = 17 * time.Second
	bake := timing
	bake.Bake, bake.Pauses = time.Minute, 2*time.Minute
	skipOne := fleet(10)
	skipOne[9].To = "v1" // h09 stays: not in the rollout, nor the rollback
	for _, tc := range []struct {
		name     string
		targets  []plan.Target
		s        plan.Strategy
		t        plan.Timing
		rollout  time.Duration
		rollback time.Duration
		rbWaves  int
		rbWindow int
	}{
		{name: "OneAtATime", targets: fleet(10), s: plan.Strategy{MaxUnavailable: num(1)}, t: timing,
			rollout: 10 * step, rollback: 10 * step, rbWaves: 10, rbWindow: 1},
		{name: "ThreeAtATimeRoundsUp", targets: fleet(10), s: plan.Strategy{MaxUnavailable: num(3)}, t: timing,
			rollout: 4 * step, rollback: 4 * step, rbWaves: 4, rbWindow: 3},
		{name: "RollbackWindowOfItsOwn", targets: fleet(10), s: plan.Strategy{MaxUnavailable: num(1), RollbackMaxUnavailable: pct(50)},
			t: timing, rollout: 10 * step, rollback: 2 * step, rbWaves: 2, rbWindow: 5},
		{name: "SkippedHostsDoNotCount", targets: skipOne, s: plan.Strategy{MaxUnavailable: num(2)}, t: timing,
			rollout: 5 * step, rollback: 5 * step, rbWaves: 5, rbWindow: 2},
		// The canary is a wave of its own, then the bake and the pauses;
		// a rollback has no canary.
		{name: "CanaryBakeAndPauses", targets: fleet(5), s: plan.Strategy{MaxUnavailable: num(2), Canary: num(1)}, t: bake,
			rollout: 3*step + 3*time.Minute, rollback: 3 * step, rbWaves: 3, rbWindow: 2},
		{name: "BakeWithoutCanaryIsNotCounted", targets: fleet(2), s: plan.Strategy{MaxUnavailable: num(1)}, t: bake,
			rollout: 2 * step, rollback: 2 * step, rbWaves: 2, rbWindow: 1},
		// Blue/green prepares two at a time and drains every host at once.
		{name: "BlueGreen", targets: allSlotted(fleet(4)), s: plan.Strategy{Kind: plan.StrategyBlueGreen, MaxUnavailable: num(1), MaxSurge: num(2)},
			t: timing, rollout: 2*12*time.Second + 5*time.Second, rollback: 2 * step, rbWaves: 2, rbWindow: 1},
		{name: "NothingToChange", targets: skipOne[9:], s: plan.Strategy{MaxUnavailable: num(1)}, t: timing, rbWindow: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.Compute(plan.KindRollout, tc.targets, tc.s)
			if err != nil {
				t.Fatal(err)
			}
			got := plan.EstimateOf(p, tc.t)
			want := plan.Estimate{Rollout: tc.rollout, Rollback: tc.rollback, RollbackWaves: tc.rbWaves, RollbackWindow: tc.rbWindow}
			if got != want {
				t.Errorf("EstimateOf = %+v, want %+v", got, want)
			}
		})
	}
}

func TestRollbackWindowFor(t *testing.T) {
	const step = 17 * time.Second
	surgeOnly, err := plan.Compute(plan.KindRollout, allSlotted(fleet(4)), plan.Strategy{MaxUnavailable: num(1), MaxSurge: num(1)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		hosts int
		bound time.Duration
		want  plan.IntOrPercent
		ok    bool
	}{
		{name: "AlreadyUnder", hosts: 10, bound: 10 * step, want: num(1), ok: true},
		{name: "JustOver", hosts: 10, bound: 10*step - 1, want: num(2), ok: true},
		{name: "ThreeWaves", hosts: 10, bound: 3 * step, want: num(4), ok: true},
		{name: "AllAtOnce", hosts: 10, bound: step, want: num(10), ok: true},
		{name: "NoWindowIsFastEnough", hosts: 10, bound: step - 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.Compute(plan.KindRollout, fleet(tc.hosts), plan.Strategy{MaxUnavailable: num(1)})
			if err != nil {
				t.Fatal(err)
			}
			got, ok := plan.RollbackWindowFor(p, timing, tc.bound)
			if got != tc.want || ok != tc.ok {
				t.Errorf("RollbackWindowFor = %v %v, want %v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	// Surge hosts go back in the surge pool: no in-place window helps.
	if w, ok := plan.RollbackWindowFor(surgeOnly, timing, time.Second); ok {
		t.Errorf("surge-only plan: RollbackWindowFor = %v, want none", w)
	}
}

// TestComputeRollback_OwnWindow: the automatic rollback takes
// RollbackMaxUnavailable (of all targets) as its in-place window.
func TestComputeRollback_OwnWindow(t *testing.T) {
	p, err := plan.Compute(plan.KindRollout, fleet(8), plan.Strategy{MaxUnavailable: num(1), RollbackMaxUnavailable: pct(50)})
	if err != nil {
		t.Fatal(err)
	}
	d, n := plan.StateDone, plan.StateNotStarted
	rb, err := plan.ComputeRollback(p, resultOf(p, true, []plan.State{d, d, d, d, d, n, n, n}, []int{1, 2, 3, 4, 5, 0, 0, 0}))
	if err != nil {
		t.Fatal(err)
	}
	assertPlan(t, rb, expectation{window: 4, budget: 5, order: []string{"h04", "h03", "h02", "h01", "h00"},
		waves: [][]string{{"h04", "h03", "h02", "h01"}, {"h00"}}})
}

// genTiming draws whole seconds up to an hour; a host's step takes at
// least 1s, so that the window makes a difference.
func genTiming(t *rapid.T) plan.Timing {
	d := func(label string, least int) time.Duration {
		return time.Duration(rapid.IntRange(least, 3600).Draw(t, label)) * time.Second
	}
	return plan.Timing{Drain: d("drain", 0), Restart: d("restart", 0), MinHealthy: d("min healthy", 1), Bake: d("bake", 0), Pauses: d("pauses", 0)}
}

// TestEstimate_Properties: a wider rollback window never makes the
// rollback longer nor changes the rollout; a longer duration never makes
// either estimate shorter; RollbackWindowFor's window fits the bound and
// one host narrower does not.
func TestEstimate_Properties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := plan.Strategy{Kind: rapid.SampledFrom([]plan.StrategyKind{plan.StrategyRolling, plan.StrategyBlueGreen}).Draw(t, "kind"),
			MaxUnavailable: genLimit(t, "maxUnavailable", 1, 6), MaxSurge: genLimit(t, "maxSurge", 0, 6), Canary: genLimit(t, "canary", 0, 4)}
		if s.Kind == plan.StrategyBlueGreen {
			s.MaxSurge.Value, s.Canary = max(s.MaxSurge.Value, 1), plan.IntOrPercent{}
		}
		targets := genTargets(t, 12)
		if s.Kind == plan.StrategyBlueGreen {
			targets = allSlotted(targets)
		}
		p, err := plan.Compute(plan.KindRollout, targets, s)
		if err != nil {
			t.Skip(err)
		}
		tm := genTiming(t)
		base := plan.EstimateOf(p, tm)

		narrow, wide := rapid.IntRange(1, 13).Draw(t, "narrow"), 0
		wide = narrow + rapid.IntRange(0, 13).Draw(t, "wider by")
		pn, pw := p, p
		pn.Strategy.RollbackMaxUnavailable, pw.Strategy.RollbackMaxUnavailable = num(narrow), num(wide)
		en, ew := plan.EstimateOf(pn, tm), plan.EstimateOf(pw, tm)
		if ew.Rollback > en.Rollback || ew.RollbackWaves > en.RollbackWaves {
			t.Fatalf("window %d: %+v, wider %d: %+v", narrow, en, wide, ew)
		}
		if en.Rollout != base.Rollout || ew.Rollout != base.Rollout {
			t.Fatalf("the rollback window changed the rollout: %v, %v, %v", base.Rollout, en.Rollout, ew.Rollout)
		}

		longer := tm
		add := time.Duration(rapid.Int64Range(0, int64(time.Hour)).Draw(t, "added"))
		switch rapid.IntRange(0, 4).Draw(t, "which") {
		case 0:
			longer.Drain += add
		case 1:
			longer.Restart += add
		case 2:
			longer.MinHealthy += add
		case 3:
			longer.Bake += add
		case 4:
			longer.Pauses += add
		}
		if el := plan.EstimateOf(p, longer); el.Rollout < base.Rollout || el.Rollback < base.Rollback {
			t.Fatalf("longer timing %+v gave %+v, shorter than %+v", longer, el, base)
		}

		// A bound up to the slowest rollback, one host at a time.
		pn.Strategy.RollbackMaxUnavailable = num(1)
		slowest := plan.EstimateOf(pn, tm).Rollback
		bound := slowest * time.Duration(rapid.IntRange(0, 100).Draw(t, "bound %")) / 100
		w, ok := plan.RollbackWindowFor(p, tm, bound)
		if !ok {
			return
		}
		pw.Strategy.RollbackMaxUnavailable = w
		if e := plan.EstimateOf(pw, tm); e.Rollback > bound {
			t.Fatalf("window %v: rollback %v over the bound %v", w, e.Rollback, bound)
		}
		if w.Value > 1 {
			pn.Strategy.RollbackMaxUnavailable = num(w.Value - 1)
			if e := plan.EstimateOf(pn, tm); e.Rollback <= bound {
				t.Fatalf("window %d is not the smallest: %d gives %v within %v", w.Value, w.Value-1, e.Rollback, bound)
			}
		}
	})
}
