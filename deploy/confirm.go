package deploy

import (
	"errors"
	"fmt"

	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// DefaultConfirmAbove is the share of the fleet a command may change
// without asking, when neither ConfirmPolicy.Above nor the inventory's
// strategy.confirm_above says.
const DefaultConfirmAbove = "50%"

// ErrDowngradeRefused: a rollout to an earlier version where nobody can
// be asked, and no --allow-downgrade.
var ErrDowngradeRefused = errors.New("refused off a terminal: give --allow-downgrade (FLEET_ALLOW_DOWNGRADE) to roll back by rollout, or use fleet rollback")

// ConfirmPolicy is when a mutating command asks the person running it:
// its Change and Downgrade decide, the front end asks the question they
// return (Options.Confirm and Options.Downgrade).
type ConfirmPolicy struct {
	// Interactive: a person can answer (stdin and the question's output
	// are terminals). Off a terminal nothing is ever asked.
	Interactive bool
	// Yes (--yes) answers the question about a large change, never the
	// one about a downgrade: that takes AllowDowngrade, so a --yes
	// written for the first cannot let the second through.
	Yes bool
	// Above (--confirm-above) is how much of the fleet, N or P%, a run
	// may change without asking; "" is the inventory's, then
	// DefaultConfirmAbove.
	Above string
	// AllowDowngrade (--allow-downgrade) lets a rollout to an earlier
	// version go without asking.
	AllowDowngrade bool
}

// Check refuses a bad Above before anything is loaded.
func (p ConfirmPolicy) Check() error {
	if p.Above == "" {
		return nil
	}
	if _, err := plan.ParseIntOrPercent(p.Above); err != nil {
		return &OverrideError{Flag: "confirm-above", Err: err}
	}
	return nil
}

// Change decides about a run that changes the hosts of pl: the question
// to ask, or "" to go on. It asks when the run changes more than Above
// of the fleet, every host of inv, selected or not. what names the run
// ("rollout of v2").
func (p ConfirmPolicy) Change(inv *inventory.Inventory, pl plan.Plan, what string) (string, error) {
	if p.Yes || !p.Interactive {
		return "", nil
	}
	above := p.Above
	if above == "" {
		above = inv.Strategy.ConfirmAbove
	}
	if above == "" {
		above = DefaultConfirmAbove
	}
	limit, err := plan.ParseIntOrPercent(above)
	if err != nil {
		return "", fmt.Errorf("confirm above: %w", err)
	}
	fleet, n := len(inv.Hosts), pl.Changes()
	if n == 0 || n <= limit.Resolve(fleet, false) {
		return "", nil
	}
	return fmt.Sprintf("%s changes %d of the fleet's %d hosts (%d%%), more than %s. Continue? [y/N] ",
		what, n, fleet, n*100/max(fleet, 1), above), nil
}

// Downgrade decides about a rollout to an earlier version (what says
// which hosts): go on with AllowDowngrade, else ask on a terminal (Yes
// or not), else refuse (ErrDowngradeRefused).
func (p ConfirmPolicy) Downgrade(what string) (string, error) {
	switch {
	case p.AllowDowngrade:
		return "", nil
	case !p.Interactive:
		return "", ErrDowngradeRefused
	}
	return what + ". Continue? [y/N] ", nil
}
