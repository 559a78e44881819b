package plan_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"

	"github.com/fleetdeploy/fleet/plan"
)

// errNotStaged is a step that failed before it changed its host, as when
// the release never arrived there.
var errNotStaged = fmt.Errorf("release not staged: %w", plan.ErrUntouched)

// An untouched failure counts against the budget and triggers the
// auto-rollback, but the host itself gets no revert: it never changed.
func TestRun_UntouchedFailureIsNotReverted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, hosts("a", "b", "c", "d"), plan.Strategy{MaxUnavailable: num(1), AutoRollback: true})
		res, g := drive(t, t.Context(), p, plan.Options{}, func(s plan.Step) error {
			if s.Kind == plan.StepActivate && s.Host == "b" {
				return errNotStaged
			}
			return nil
		})
		var got []string
		for _, s := range g.steps() {
			got = append(got, string(s.Kind)+" "+s.Host)
		}
		if want := []string{"activate a", "activate b", "revert a"}; !slices.Equal(got, want) {
			t.Fatalf("steps = %q, want %q (no revert of the untouched host)", got, want)
		}
		assertStates(t, res, reverted, failed, notRun, notRun)
		if !res.Halted || !res.Hosts[1].Untouched || res.Hosts[0].Untouched {
			t.Errorf("halted %v, untouched a=%v b=%v", res.Halted, res.Hosts[0].Untouched, res.Hosts[1].Untouched)
		}
		if !errors.Is(res.Err(), plan.ErrUntouched) || !errors.Is(res.Err(), plan.ErrBudgetExceeded) {
			t.Errorf("Err() = %v", res.Err())
		}
		if changed := res.Changed(); !slices.Equal(changed, []string{"a"}) {
			t.Errorf("Changed() = %v, want [a]", changed)
		}
	})
}

// Within the budget an untouched failure is one failure like any other.
func TestRun_UntouchedFailureWithinBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, hosts("a", "b", "c"), plan.Strategy{MaxUnavailable: num(1), MaxFailures: num(1), AutoRollback: true})
		res, _ := drive(t, t.Context(), p, plan.Options{}, func(s plan.Step) error {
			if s.Host == "b" {
				return errNotStaged
			}
			return nil
		})
		assertStates(t, res, done, failed, done)
		if res.Halted || res.Rollback != nil {
			t.Errorf("halted %v, rollback %+v", res.Halted, res.Rollback)
		}
	})
}

// A blue/green prepare that failed untouched is not discarded; the hosts
// it did prepare are.
func TestRun_BlueGreenUntouchedPrepareIsNotDiscarded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, allSlotted(fleet(3)), plan.Strategy{MaxSurge: num(3), Kind: plan.StrategyBlueGreen})
		res, g := drive(t, t.Context(), p, plan.Options{}, func(s plan.Step) error {
			if s.Kind == plan.StepPrepare && s.Host == "h01" {
				return errNotStaged
			}
			return nil
		})
		want := []string{"prepare h00", "prepare h01", "prepare h02", "discard h00", "discard h02"}
		if got := phases(g.steps()); !slices.Equal(got, want) {
			t.Fatalf("steps %v, want %v", got, want)
		}
		assertStates(t, res, reverted, failed, reverted)
	})
}
