package deploy

import (
	"time"

	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/plan"
)

// The drain a plan shows: how long a host's instance stays in Consul
// maintenance before fleet stops it. Without app.consul nothing is
// drained; drain 0s is an explicit opt-out and is shown as one.

// drainText renders a drain for people.
func drainText(d time.Duration) string {
	if d == 0 {
		return "0s (none)"
	}
	return d.String()
}

// DrainNote ends a plan's limits line: ", drain 5s (lb_refresh 2s)",
// ", drain 0s (none)", or nothing without Consul.
func DrainNote(c *appspec.Consul) string {
	switch {
	case c == nil:
		return ""
	case c.LBRefresh > 0:
		return ", drain " + drainText(c.Drain.Std()) + " (lb_refresh " + c.LBRefresh.String() + ")"
	}
	return ", drain " + drainText(c.Drain.Std())
}

// hostDrain is the drain of one host of the plan, nil when it has none:
// no Consul, or the host does not change.
func hostDrain(c *appspec.Consul, hp plan.HostPlan) *time.Duration {
	if c == nil || hp.Action != plan.ActionUpdate {
		return nil
	}
	d := c.Drain.Std()
	return &d
}

// DrainCell is a host's DRAIN column: "-" when it has none.
func DrainCell(c *appspec.Consul, hp plan.HostPlan) string {
	if d := hostDrain(c, hp); d != nil {
		return drainText(*d)
	}
	return "-"
}

// drainMS is a host's drain_ms field: absent when it has none, 0 for
// drain 0s.
func drainMS(c *appspec.Consul, hp plan.HostPlan) *int64 {
	if d := hostDrain(c, hp); d != nil {
		ms := d.Milliseconds()
		return &ms
	}
	return nil
}
