package main

import (
	"errors"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// TestStrategy_ErrorsSayWhereTheyCameFrom: a bad value from a flag names
// the flag, one from the inventory names the file, as the rollout,
// rollback and promote commands report them (strategyError).
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
					_, _, err = rolloutStrategy(c, tc.inv)
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
			if got := strategyError("fleet.yaml", err).Error(); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if tc.is != nil && !errors.Is(strategyError("fleet.yaml", err), tc.is) {
				t.Errorf("not errors.Is %v", tc.is)
			}
		})
	}
}
