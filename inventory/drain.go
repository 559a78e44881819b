package inventory

import (
	"errors"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
	"go.yaml.in/yaml/v3"
)

// drain decodes app.consul.drain and app.consul.lb_refresh into c and
// refuses a drain that lb_refresh shows is too short.
//
// lb_refresh is the one bound fleet can know: the user states how long
// their load balancer may keep sending to an instance after Consul marks
// it critical. Consul adds nothing fleet could check on top of it:
// maintenance is a check that is critical from the moment it is set, so
// it reaches the catalog (and Consul DNS) at once, not at the service
// checks' next interval. That is why drain is not compared with
// app.consul.checks[].interval: a load balancer that follows the
// maintenance flag is as fast as its own refresh, whatever those
// intervals are.
func (d *decoder) drain(f map[string]*yaml.Node, a at, c *appspec.Consul) {
	drain := optional(d, f, "drain", a, d.duration, nil)
	setDurationIf(&c.Drain, drain)
	lbRefresh := optional(d, f, "lb_refresh", a, d.duration, validLBRefresh)
	setDurationIf(&c.LBRefresh, lbRefresh)
	if lbRefresh == nil || !settled(f, "drain", drain) || c.Drain >= c.LBRefresh {
		return
	}
	const why = "your load balancer could still send requests to an instance fleet has stopped"
	if drain == nil {
		d.errorf(Deref(f["lb_refresh"]), a.key("drain"), "defaults to %s, shorter than lb_refresh %s: %s; set drain to at least %s, plus your longest request",
			c.Drain, c.LBRefresh, why, c.LBRefresh)
		return
	}
	given := c.Drain.String()
	if c.Drain == 0 {
		given = "0s (no drain)"
	}
	d.errorf(Deref(f["drain"]), a.key("drain"), "%s is shorter than lb_refresh %s: %s; set drain to at least %s, plus your longest request",
		given, c.LBRefresh, why, c.LBRefresh)
}

// validLBRefresh refuses 0s: no load balancer drops an instance in no
// time, and 0 would silently turn the check off. Leaving lb_refresh out
// says "unknown".
func validLBRefresh(v time.Duration) error {
	if v <= 0 {
		return errors.New("must be greater than 0: it is the longest your load balancer takes to stop sending to an instance Consul marks critical; leave it out if you do not know it")
	}
	return nil
}
