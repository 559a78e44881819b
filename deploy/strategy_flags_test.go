package deploy_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// TestStrategyFlags_Merge: a flag's value wins over the inventory's, an
// absent flag leaves it, and --resume drops the canary.
func TestStrategyFlags_Merge(t *testing.T) {
	bake, pause, no := 30*time.Second, true, false
	inv := inventory.Strategy{MaxUnavailable: "2", MaxSurge: "1", MaxFailures: "10%", AutoRollback: true,
		Canary: "1", CanaryBake: time.Minute, PauseAfterCanary: true, BlueGreen: true}
	for _, tc := range []struct {
		name   string
		flags  deploy.StrategyFlags
		inv    inventory.Strategy
		want   plan.Strategy
		canary deploy.Canary
	}{
		{name: "InventoryOnly", inv: inv,
			want: plan.Strategy{MaxUnavailable: count(2), MaxSurge: count(1), MaxFailures: percent(10), AutoRollback: true,
				Canary: count(1), Kind: plan.StrategyBlueGreen},
			canary: deploy.Canary{Bake: time.Minute, Pause: true}},
		{name: "FlagsWin", inv: inv,
			flags: deploy.StrategyFlags{MaxUnavailable: "25%", MaxSurge: "0", MaxFailures: "3", NoAutoRollback: true,
				Canary: "2", CanaryBake: &bake, PauseAfterCanary: &no, Kind: "rolling"},
			want:   plan.Strategy{MaxUnavailable: percent(25), MaxFailures: count(3), Canary: count(2), Kind: plan.StrategyRolling},
			canary: deploy.Canary{Bake: bake}},
		{name: "EmptyInventoryIsZeroAndRolling",
			flags: deploy.StrategyFlags{PauseAfterCanary: &pause},
			want:  plan.Strategy{Kind: plan.StrategyRolling}, canary: deploy.Canary{Pause: true}},
		{name: "ResumeHasNoCanary", inv: inventory.Strategy{Canary: "x"}, flags: deploy.StrategyFlags{Resume: true, Canary: "3"},
			want: plan.Strategy{Kind: plan.StrategyRolling}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := &inventory.Inventory{File: "fleet.yaml", Strategy: tc.inv}
			st, co, err := tc.flags.RolloutStrategy(i)
			if err != nil || st != tc.want || co != tc.canary {
				t.Errorf("RolloutStrategy = %+v %+v %v,\nwant %+v %+v", st, co, err, tc.want, tc.canary)
			}
			// Strategy is the same without the canary and the kind.
			want := tc.want
			want.Canary, want.Kind = plan.IntOrPercent{}, ""
			if st, err := tc.flags.Strategy(i); err != nil || st != want {
				t.Errorf("Strategy = %+v %v, want %+v", st, err, want)
			}
		})
	}
}

// TestStrategyFlags_RollbackWindow: fleet rollback --max-unavailable is
// the rollback's window even where the inventory sets
// strategy.rollback.max_unavailable; without the flag the inventory's
// window is left for the rollback to apply.
func TestStrategyFlags_RollbackWindow(t *testing.T) {
	i := &inventory.Inventory{File: "fleet.yaml", Strategy: inventory.Strategy{MaxUnavailable: "1",
		Rollback: inventory.RollbackStrategy{MaxUnavailable: "50%"}}}
	st, err := deploy.StrategyFlags{MaxUnavailable: "3"}.RollbackStrategy(i)
	if err != nil || st.RollbackMaxUnavailable != count(3) || st.MaxUnavailable != count(3) {
		t.Errorf("with --max-unavailable 3: %+v %v, want window 3", st, err)
	}
	st, err = deploy.StrategyFlags{}.RollbackStrategy(i)
	if err != nil || !st.RollbackMaxUnavailable.IsZero() || st.MaxUnavailable != count(1) {
		t.Errorf("without the flag: %+v %v, want no window of its own", st, err)
	}
}

// TestStrategyFlags_ErrorsSayWhereTheyCameFrom: a bad value from a flag
// names the flag (*OverrideError), one from the inventory its file and
// key.
func TestStrategyFlags_ErrorsSayWhereTheyCameFrom(t *testing.T) {
	ok := inventory.Strategy{MaxUnavailable: "1", MaxFailures: "0", Canary: "0"}
	for _, tc := range []struct {
		name  string
		inv   inventory.Strategy
		flags deploy.StrategyFlags
		want  string
		flag  string // the *OverrideError's; "" = the inventory's
		is    error
	}{
		{name: "MaxUnavailableFlag", inv: ok, flags: deploy.StrategyFlags{MaxUnavailable: "lots"}, flag: "max-unavailable",
			want: `--max-unavailable: invalid count or percentage "lots": not a number: want a count like "3" or a percentage like "25%"`,
			is:   plan.ErrInvalidIntOrPercent},
		{name: "MaxSurgeFlag", inv: ok, flags: deploy.StrategyFlags{MaxSurge: "-1"}, flag: "max-surge",
			want: `--max-surge: invalid count or percentage "-1": negative`, is: plan.ErrInvalidIntOrPercent},
		{name: "MaxFailuresFlag", inv: ok, flags: deploy.StrategyFlags{MaxFailures: "150%"}, flag: "max-failures",
			want: `--max-failures: invalid count or percentage "150%": percentage above 100%`, is: plan.ErrInvalidIntOrPercent},
		{name: "CanaryFlag", inv: ok, flags: deploy.StrategyFlags{Canary: "x"}, flag: "canary",
			want: `--canary: invalid count or percentage "x": not a number: want a count like "3" or a percentage like "25%"`},
		{name: "StrategyFlag", inv: ok, flags: deploy.StrategyFlags{Kind: "canary"}, flag: "strategy",
			want: `--strategy "canary": want rolling or blue-green`},
		{name: "Inventory", inv: inventory.Strategy{MaxUnavailable: "lots"},
			want: `fleet.yaml: strategy: max_unavailable: invalid count or percentage "lots": not a number: want a count like "3" or a percentage like "25%"`,
			is:   plan.ErrInvalidIntOrPercent},
		{name: "InventoryCanary", inv: inventory.Strategy{Canary: "x"},
			want: `fleet.yaml: strategy: canary: invalid count or percentage "x": not a number: want a count like "3" or a percentage like "25%"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := tc.flags.RolloutStrategy(&inventory.Inventory{File: "fleet.yaml", Strategy: tc.inv})
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got  %v\nwant %s", err, tc.want)
			}
			flag := ""
			if oe := (*deploy.OverrideError)(nil); errors.As(err, &oe) {
				flag = oe.Flag
			}
			if flag != tc.flag {
				t.Errorf("*OverrideError flag %q, want %q", flag, tc.flag)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("not errors.Is %v", tc.is)
			}
		})
	}
}

func count(v int) plan.IntOrPercent   { return plan.IntOrPercent{Value: v} }
func percent(v int) plan.IntOrPercent { return plan.IntOrPercent{Value: v, Percent: true} }

// TestStrategyFlags_Rollout: --stage and --refuse-dirty go over the
// inventory's; a bad stage is the flag's error.
func TestStrategyFlags_Rollout(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		name      string
		flags     deploy.StrategyFlags
		inv       inventory.Strategy
		stage     string
		dirty     bool
		wantError string
	}{
		{name: "Inventory", inv: inventory.Strategy{Stage: inventory.StageAhead, RefuseDirty: true}, stage: inventory.StageAhead, dirty: true},
		{name: "Flags", flags: deploy.StrategyFlags{Stage: inventory.StageAhead, RefuseDirty: &yes}, stage: inventory.StageAhead, dirty: true},
		{name: "FlagsOff", flags: deploy.StrategyFlags{Stage: inventory.StageBefore, RefuseDirty: &no},
			inv: inventory.Strategy{Stage: inventory.StageAhead, RefuseDirty: true}, stage: inventory.StageBefore},
		{name: "BadStage", flags: deploy.StrategyFlags{Stage: "later"}, wantError: "--stage: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := deploy.Options{Inventory: &inventory.Inventory{File: "fleet.yaml", Strategy: tc.inv}}
			err := tc.flags.Rollout(&o)
			if tc.wantError != "" {
				if oe := (*deploy.OverrideError)(nil); !errors.As(err, &oe) || oe.Flag != "stage" || !strings.HasPrefix(err.Error(), tc.wantError) {
					t.Errorf("got %v, want %s…", err, tc.wantError)
				}
				return
			}
			if err != nil || o.Inventory.Strategy.Stage != tc.stage || o.RefuseDirty != tc.dirty || o.Strategy.Kind != plan.StrategyRolling {
				t.Errorf("got %v, stage %q, refuse dirty %v, %+v", err, o.Inventory.Strategy.Stage, o.RefuseDirty, o.Strategy)
			}
		})
	}
}
