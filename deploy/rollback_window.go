package deploy

import (
	"fmt"

	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// withRollbackWindow is s with the inventory's strategy.rollback.max_unavailable
// as its RollbackMaxUnavailable, unless s has one already (a caller's) or
// the inventory sets none: the window of a rollback of the plan, and of
// the automatic one.
func withRollbackWindow(s plan.Strategy, inv *inventory.Inventory) (plan.Strategy, error) {
	w := inv.Strategy.Rollback.MaxUnavailable
	if !s.RollbackMaxUnavailable.IsZero() || w == "" {
		return s, nil
	}
	v, err := plan.ParseIntOrPercent(w)
	if err != nil { // Parse checked it; a hand-built inventory may not be
		return s, fmt.Errorf("%s: strategy: rollback.max_unavailable: %w", inv.File, err)
	}
	s.RollbackMaxUnavailable = v
	return s, nil
}

// rollbackStrategy is o.Strategy for a rollback: it is not rolled back
// again, and it goes with the rollback's window when there is one.
func rollbackStrategy(o Options) (plan.Strategy, error) {
	s, err := withRollbackWindow(o.Strategy, o.Inventory)
	s.AutoRollback = false
	if !s.RollbackMaxUnavailable.IsZero() {
		s.MaxUnavailable = s.RollbackMaxUnavailable
	}
	return s, err
}
