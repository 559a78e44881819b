package deploy

import (
	"fmt"
	"time"

	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// PlanEstimate is how long a rollout of the plan, and a full rollback of
// it, take at least (plan.EstimateOf), and whether the rollback takes
// longer than strategy.rollback.warn_after.
type PlanEstimate struct {
	plan.Estimate
	// WarnAfter is strategy.rollback.warn_after, or its default.
	WarnAfter time.Duration
	// Warning says the full rollback takes longer than WarnAfter, and
	// what would bring it under; "" when it does not.
	Warning string
}

// estimate is p's PlanEstimate from the inventory's durations: the
// drain (app.consul), min_healthy_time, the canary's bake and a gray
// release's timed pauses (gray is nil without one). The inventory has no
// restart time, so none is counted: a lower bound.
func estimate(p plan.Plan, inv *inventory.Inventory, gray []GrayStep) PlanEstimate {
	tm := plan.Timing{MinHealthy: inv.App.Health.MinHealthyTime.Std(), Bake: inv.Strategy.CanaryBake}
	if c := inv.App.Consul; c != nil {
		tm.Drain = c.Drain.Std()
	}
	if gray != nil {
		for _, s := range inv.Strategy.Steps {
			tm.Pauses += s.Pause // 0 for any other kind, and for a pause until fleet promote
		}
	}
	e := PlanEstimate{Estimate: plan.EstimateOf(p, tm), WarnAfter: inv.Strategy.Rollback.WarnAfter}
	if e.WarnAfter == 0 {
		e.WarnAfter = inventory.DefaultRollbackWarnAfter
	}
	if e.Rollback > e.WarnAfter {
		e.Warning = rollbackWarning(p, tm, e)
	}
	return e
}

// rollbackWarning is the warning of a full rollback over the bound: how
// long, and the smallest strategy.rollback.max_unavailable that fits.
func rollbackWarning(p plan.Plan, tm plan.Timing, e PlanEstimate) string {
	msg := fmt.Sprintf("a full rollback would take at least %s (%d waves, maxUnavailable=%d), over strategy.rollback.warn_after %s",
		e.Rollback, e.RollbackWaves, e.RollbackWindow, e.WarnAfter)
	w, ok := plan.RollbackWindowFor(p, tm, e.WarnAfter)
	if !ok {
		return msg + "; no rollback window brings it under: shorten app.consul.drain or app.health.min_healthy_time, or raise warn_after"
	}
	q := p
	q.Strategy.RollbackMaxUnavailable = w
	return fmt.Sprintf("%s; strategy.rollback.max_unavailable: %s would bring it to %s", msg, w, plan.EstimateOf(q, tm).Rollback)
}

// estimateMS is d in milliseconds, for an event field present even when 0.
func estimateMS(d time.Duration) *int64 {
	ms := d.Milliseconds()
	return &ms
}
