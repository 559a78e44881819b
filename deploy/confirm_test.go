package deploy_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// TestConfirmPolicy_Change: on a terminal, without --yes, a run asks when
// it changes more than --confirm-above (else the inventory's, else 50%)
// of the whole fleet, selected or not.
func TestConfirmPolicy_Change(t *testing.T) {
	fleet := func(n int, above string) *inventory.Inventory {
		inv := &inventory.Inventory{Strategy: inventory.Strategy{ConfirmAbove: above}}
		for i := range n {
			inv.Hosts = append(inv.Hosts, inventory.Host{Name: fmt.Sprint("h", i)})
		}
		return inv
	}
	changing := func(n int) plan.Plan {
		var p plan.Plan
		for i := range n {
			p.Hosts = append(p.Hosts, plan.HostPlan{Host: fmt.Sprint("h", i), Action: plan.ActionUpdate, From: "v1", To: "v2"})
		}
		return p
	}
	tty := deploy.ConfirmPolicy{Interactive: true}
	for _, tc := range []struct {
		name   string
		policy deploy.ConfirmPolicy
		inv    *inventory.Inventory
		p      plan.Plan
		want   string // the question; "" goes on
	}{
		{"MoreThanHalfAsks", tty, fleet(4, ""), changing(3),
			"rollout of v2 changes 3 of the fleet's 4 hosts (75%), more than 50%. Continue? [y/N] "},
		{"HalfGoes", tty, fleet(4, ""), changing(2), ""},
		{"NothingGoes", deploy.ConfirmPolicy{Interactive: true, Above: "0"}, fleet(4, ""), changing(0), ""},
		{"InventorySays", tty, fleet(4, "1"), changing(2),
			"rollout of v2 changes 2 of the fleet's 4 hosts (50%), more than 1. Continue? [y/N] "},
		{"FlagOverInventory", deploy.ConfirmPolicy{Interactive: true, Above: "100%"}, fleet(4, "1"), changing(4), ""},
		{"YesGoes", deploy.ConfirmPolicy{Interactive: true, Yes: true}, fleet(4, ""), changing(4), ""},
		{"NoTerminalGoes", deploy.ConfirmPolicy{}, fleet(4, ""), changing(4), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if q, err := tc.policy.Change(tc.inv, tc.p, "rollout of v2"); err != nil || q != tc.want {
				t.Errorf("got %q %v\nwant %q", q, err, tc.want)
			}
		})
	}
}

// TestConfirmPolicy_Downgrade: --allow-downgrade goes; else a terminal
// asks, --yes or not (--yes answers only the size question), and off a
// terminal the rollout is refused.
func TestConfirmPolicy_Downgrade(t *testing.T) {
	const what = "rollout of v1 is a downgrade on 1 hosts: h1 (v2)"
	for _, tc := range []struct {
		name   string
		policy deploy.ConfirmPolicy
		want   string
		err    error
	}{
		{"TerminalAsks", deploy.ConfirmPolicy{Interactive: true}, what + ". Continue? [y/N] ", nil},
		{"YesStillAsks", deploy.ConfirmPolicy{Interactive: true, Yes: true}, what + ". Continue? [y/N] ", nil},
		{"NoTerminalRefuses", deploy.ConfirmPolicy{Yes: true}, "", deploy.ErrDowngradeRefused},
		{"AllowedGoes", deploy.ConfirmPolicy{AllowDowngrade: true}, "", nil},
		{"AllowedGoesOnATerminal", deploy.ConfirmPolicy{Interactive: true, AllowDowngrade: true}, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if q, err := tc.policy.Downgrade(what); q != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("got %q %v, want %q %v", q, err, tc.want, tc.err)
			}
		})
	}
}

// TestConfirmPolicy_Check: a bad --confirm-above is the flag's error.
func TestConfirmPolicy_Check(t *testing.T) {
	err := deploy.ConfirmPolicy{Above: "half"}.Check()
	var oe *deploy.OverrideError
	if !errors.As(err, &oe) || oe.Flag != "confirm-above" || !errors.Is(err, plan.ErrInvalidIntOrPercent) {
		t.Errorf("got %v", err)
	}
	if err := (deploy.ConfirmPolicy{Above: "25%"}).Check(); err != nil {
		t.Errorf("25%%: %v", err)
	}
}
