package plan_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/fleetdeploy/fleet/plan"
)

// TestCompute_RefusesUnknownStrategyKind: a kind plan does not know is a
// validation error naming it, never a silent default; the zero value is
// rolling, the same plan as naming it.
func TestCompute_RefusesUnknownStrategyKind(t *testing.T) {
	for _, kind := range []plan.StrategyKind{"weighted-steps", "Rolling", "blue_green", "bluegreen", " "} {
		_, err := plan.Compute(plan.KindRollout, fleet(3), plan.Strategy{MaxUnavailable: num(1), Kind: kind})
		if !errors.Is(err, plan.ErrInvalidStrategy) || !strings.Contains(err.Error(), `unknown strategy kind "`+string(kind)+`"`) {
			t.Errorf("kind %q: Compute error = %v, want ErrInvalidStrategy naming it", kind, err)
		}
	}
	zero := mustCompute(t, fleet(3), plan.Strategy{MaxUnavailable: num(1)})
	named := mustCompute(t, fleet(3), plan.Strategy{MaxUnavailable: num(1), Kind: plan.StrategyRolling})
	if !reflect.DeepEqual(zero.Hosts, named.Hosts) || !reflect.DeepEqual(zero.Waves, named.Waves) {
		t.Errorf("zero kind plans %+v, rolling %+v", zero.Hosts, named.Hosts)
	}
}

// TestRun_UnknownStrategyKindTouchesNothing: Run over a plan built by
// hand with a kind plan does not know applies no step, and says why.
func TestRun_UnknownStrategyKindTouchesNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		targets := fleet(3)
		targets[2].From = "v2"
		p := mustCompute(t, targets, plan.Strategy{MaxUnavailable: num(1)})
		p.Strategy.Kind = "weighted-steps"
		res, g := drive(t, t.Context(), p, plan.Options{}, func(plan.Step) error { return nil })
		if len(g.steps()) != 0 {
			t.Fatalf("steps applied: %+v", g.steps())
		}
		assertStates(t, res, notRun, notRun, skip)
		if err := res.Err(); !errors.Is(err, plan.ErrInvalidStrategy) || len(res.Changed()) != 0 {
			t.Errorf("Err() = %v, changed %v", err, res.Changed())
		}
	})
}

// slotPair names the slots of host i of n: blue serving on even hosts,
// green on odd ones.
func slotPair(i int) plan.Slots {
	if i%2 == 0 {
		return plan.Slots{Serving: "blue", Idle: "green"}
	}
	return plan.Slots{Serving: "green", Idle: "blue"}
}

// named gives each target of ts the slots slotPair says.
func named(ts []plan.Target) []plan.Target {
	for i := range ts {
		ts[i].Slots = slotPair(i)
	}
	return ts
}

// TestRun_StepsCarrySlots: every step says which slot it acts on and
// which one serves, from the target's slots: a surge acts on the idle
// slot, in place on the serving one (or, before a first deploy, the idle
// one), and a rolling revert of a surge goes back into the slot that
// served. The host keeps no memory of them between steps.
func TestRun_StepsCarrySlots(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		targets := named(slotted(fleet(4), "h00", "h01", "h03"))
		targets[2].Slots = plan.Slots{}             // h02 has no slots: in place, no names
		targets[3].Slots = plan.Slots{Idle: "blue"} // h03 serves nothing yet
		p := mustCompute(t, targets, plan.Strategy{MaxUnavailable: num(4), MaxSurge: num(1), MaxFailures: num(3), AutoRollback: true})
		res, g := drive(t, t.Context(), p, plan.Options{}, failStep(plan.StepActivate, "h00", "h01", "h02", "h03"))
		type slots struct{ slot, serving string }
		want := map[string]slots{
			"activate h00": {"green", "blue"}, "revert h00": {"blue", "green"},
			"activate h01": {"blue", "green"}, "revert h01": {"green", "blue"},
			"activate h02": {"", ""}, "revert h02": {"", ""},
			"activate h03": {"blue", ""}, "revert h03": {"", "blue"},
		}
		for _, s := range g.steps() {
			key := string(s.Kind) + " " + s.Host
			if w, ok := want[key]; !ok || (slots{s.Slot, s.Serving}) != w {
				t.Errorf("%s (%s): slot %q, serving %q; want %+v", key, s.Mode, s.Slot, s.Serving, w)
			}
			delete(want, key)
		}
		if len(want) > 0 || res.Rollback == nil {
			t.Errorf("steps not applied: %v (rollback %v)", want, res.Rollback)
		}
	})
}

// TestRun_BlueGreenStepsCarryOnePair: every step of a blue/green host,
// its undo included, names the pair its target had: the slot prepared
// and the one that served. Nothing is remembered between phases.
func TestRun_BlueGreenStepsCarryOnePair(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail plan.StepKind
	}{{"done", ""}, {"discard", plan.StepPrepare}, {"uncut", plan.StepCutover}} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				targets := named(allSlotted(fleet(3)))
				p := mustCompute(t, targets, plan.Strategy{MaxSurge: num(3), Kind: plan.StrategyBlueGreen})
				_, g := drive(t, t.Context(), p, plan.Options{}, failStep(tc.fail, "h01"))
				kinds := map[plan.StepKind]bool{}
				for _, s := range g.steps() {
					kinds[s.Kind] = true
					var i int
					if _, err := fmt.Sscanf(s.Host, "h%02d", &i); err != nil {
						t.Fatal(err)
					}
					if w := slotPair(i); s.Slot != w.Idle || s.Serving != w.Serving {
						t.Errorf("%s %s: slot %q, serving %q; want %+v", s.Kind, s.Host, s.Slot, s.Serving, w)
					}
				}
				if want := map[string]plan.StepKind{"done": plan.StepRetire, "discard": plan.StepDiscard, "uncut": plan.StepUncut}[tc.name]; !kinds[want] {
					t.Errorf("no %s step among %v", want, kinds)
				}
			})
		})
	}
}
