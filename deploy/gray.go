package deploy

import (
	"errors"
	"fmt"

	"github.com/fleetdeploy/fleet/inventory"
)

// ErrGrayNotWired refuses an inventory whose strategy asks for a gray
// release (strategy.steps, strategy.canary_analysis): the inventory reads
// and checks them, but rollouts do not act on them yet, and a plain
// canary in their place would send the canary its full share of traffic
// unwatched — the opposite of what the user wrote.
var ErrGrayNotWired = errors.New("gray release (strategy.steps, strategy.canary_analysis) is not carried out by rollouts yet: remove them to roll out, or use canary_bake / pause_after_canary")

// refuseGray is ErrGrayNotWired for an inventory that asks for one.
func refuseGray(inv *inventory.Inventory) error {
	if inv == nil || len(inv.Strategy.Steps) == 0 && inv.Strategy.CanaryAnalysis == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", inv.File, ErrGrayNotWired)
}
