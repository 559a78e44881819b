package main

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// TestStrategy_ErrorsSayWhereTheyCameFrom: a bad value from a flag names
// the flag, one from the inventory names the file, as the rollout,
// rollback and promote commands report them (deploy.StrategyFlags, filled
// by strategyFlagsOf).
func TestStrategy_ErrorsSayWhereTheyCameFrom(t *testing.T) {
	ok := inventory.Strategy{MaxUnavailable: "1", MaxFailures: "0", Canary: "0"}
	for _, tc := range []struct {
		name string
		inv  inventory.Strategy
		args []string
		want string // "" = no error
		is   error
	}{
		{name: "MaxUnavailableFlag", inv: ok, args: []string{"--max-unavailable", "lots"},
			want: `--max-unavailable: invalid count or percentage "lots": not a number: want a count like "3" or a percentage like "25%"`,
			is:   plan.ErrInvalidIntOrPercent},
		{name: "MaxSurgeFlag", inv: ok, args: []string{"--max-surge", "-1"},
			want: `--max-surge: invalid count or percentage "-1": negative`, is: plan.ErrInvalidIntOrPercent},
		{name: "MaxFailuresFlag", inv: ok, args: []string{"--max-failures", "150%"},
			want: `--max-failures: invalid count or percentage "150%": percentage above 100%`, is: plan.ErrInvalidIntOrPercent},
		{name: "CanaryFlag", inv: ok, args: []string{"--canary", "x"},
			want: `--canary: invalid count or percentage "x": not a number: want a count like "3" or a percentage like "25%"`},
		{name: "StrategyFlag", inv: ok, args: []string{"--strategy", "canary"},
			want: `--strategy "canary": want rolling or blue-green`},
		{name: "Inventory", inv: inventory.Strategy{MaxUnavailable: "lots"},
			want: `fleet.yaml: strategy: max_unavailable: invalid count or percentage "lots": not a number: want a count like "3" or a percentage like "25%"`,
			is:   plan.ErrInvalidIntOrPercent},
		{name: "InventoryCanary", inv: inventory.Strategy{Canary: "x"},
			want: `fleet.yaml: strategy: canary: invalid count or percentage "x": not a number: want a count like "3" or a percentage like "25%"`},
		{name: "FlagOverridesInventory", inv: inventory.Strategy{MaxUnavailable: "lots"}, args: []string{"--max-unavailable", "2"}},
		{name: "ResumeSkipsTheCanary", inv: inventory.Strategy{Canary: "x"}, args: []string{"--resume"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			app := &cli.App{
				Flags: concatFlags(strategyFlags(), canaryFlags()),
				Action: func(c *cli.Context) error {
					_, _, err = strategyFlagsOf(c).RolloutStrategy(&inventory.Inventory{File: "fleet.yaml", Strategy: tc.inv})
					return nil
				},
			}
			if rerr := app.Run(append([]string{"fleet"}, tc.args...)); rerr != nil {
				t.Fatal(rerr)
			}
			if tc.want == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("not errors.Is %v", tc.is)
			}
		})
	}
}

// TestStrategy_FlagsOf: every strategy and canary flag reaches
// deploy.StrategyFlags; the canary's bake and pause only when given.
func TestStrategy_FlagsOf(t *testing.T) {
	var got []deploy.StrategyFlags
	app := &cli.App{
		Flags:  concatFlags(strategyFlags(), canaryFlags()),
		Action: func(c *cli.Context) error { got = append(got, strategyFlagsOf(c)); return nil },
	}
	for _, args := range [][]string{
		{"fleet", "--max-unavailable", "1", "--max-surge", "2", "--max-failures", "3%", "--no-auto-rollback", "--canary", "4",
			"--canary-bake", "5s", "--pause-after-canary=false", "--strategy", "blue-green", "--resume"},
		{"fleet"},
	} {
		if err := app.Run(args); err != nil {
			t.Fatal(err)
		}
	}
	bake, pause := 5*time.Second, false
	want := deploy.StrategyFlags{MaxUnavailable: "1", MaxSurge: "2", MaxFailures: "3%", NoAutoRollback: true, Canary: "4",
		Resume: true, CanaryBake: &bake, PauseAfterCanary: &pause, Kind: "blue-green"}
	if len(got) != 2 || !reflect.DeepEqual(got[0], want) || !reflect.DeepEqual(got[1], deploy.StrategyFlags{}) {
		t.Errorf("got %+v, want %+v and none", got, want)
	}
}
