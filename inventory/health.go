package inventory

import (
	"time"

	"github.com/fleetdeploy/fleet/appspec"
	"gopkg.in/yaml.v3"
)

// Health is the gate a host must pass after a switch: every check passes
// continuously for MinHealthyTime, counted from the first pass, and that
// must happen within HealthyDeadline of the restart. Parse refuses a gate
// that could never fail: Checks is empty only when app.consul gates on
// Consul checks of its own (appspec.Gate).
type Health struct {
	MinHealthyTime  time.Duration // default 5s
	HealthyDeadline time.Duration // default 60s; greater than MinHealthyTime
	Interval        time.Duration // between rounds of checks; default 1s
	Checks          []Check
}

const (
	defaultMinHealthyTime  = 5 * time.Second
	defaultHealthyDeadline = 60 * time.Second
	defaultInterval        = time.Second
)

var healthFields = []string{"min_healthy_time", "healthy_deadline", "interval", "checks"}

func (d *decoder) health(n, parent *yaml.Node, a at) Health {
	f := d.fields(n, a, healthFields...)
	h := Health{
		MinHealthyTime:  defaultMinHealthyTime,
		HealthyDeadline: defaultHealthyDeadline,
		Interval:        defaultInterval,
	}
	minTime := optional(d, f, "min_healthy_time", a, d.duration, nil)
	deadline := optional(d, f, "healthy_deadline", a, d.duration, appspec.Positive)
	setIf(&h.MinHealthyTime, minTime)
	setIf(&h.HealthyDeadline, deadline)
	setIf(&h.Interval, optional(d, f, "interval", a, d.duration, appspec.Positive))
	if settled(f, "min_healthy_time", minTime) && settled(f, "healthy_deadline", deadline) {
		if err := appspec.MinHealthyTime(h.MinHealthyTime, h.HealthyDeadline); err != nil {
			// Point at whichever of the two the user wrote.
			where, field := f["min_healthy_time"], "min_healthy_time"
			if minTime == nil {
				where, field = f["healthy_deadline"], "healthy_deadline"
			}
			d.invalid(orAt(where, orAt(n, parent)), a.key(field), err)
		}
	}
	for i, cn := range d.seq(f["checks"], a.key("checks")) {
		if c, ok := d.check(cn, a.key("checks").index(i)); ok {
			h.Checks = append(h.Checks, c)
		}
	}
	return h
}
