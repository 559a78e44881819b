package inventory

import (
	"time"

	"github.com/fleetdeploy/fleet/appspec"
	"go.yaml.in/yaml/v3"
)

// The health gate's defaults: healthy for 5s within 60s, checked every second.
const (
	defaultMinHealthyTime  = 5 * time.Second
	defaultHealthyDeadline = 60 * time.Second
	defaultInterval        = time.Second
)

var healthFields = []string{"min_healthy_time", "healthy_deadline", "interval", "checks"}

func (d *decoder) health(n, parent *yaml.Node, a at) appspec.Health {
	f := d.fields(n, a, healthFields...)
	h := appspec.Health{
		MinHealthyTime: appspec.Duration(defaultMinHealthyTime),
		Deadline:       appspec.Duration(defaultHealthyDeadline),
		Interval:       appspec.Duration(defaultInterval),
	}
	minTime := optional(d, f, "min_healthy_time", a, d.duration, nil)
	deadline := optional(d, f, "healthy_deadline", a, d.duration, appspec.Positive)
	setDurationIf(&h.MinHealthyTime, minTime)
	setDurationIf(&h.Deadline, deadline)
	setDurationIf(&h.Interval, optional(d, f, "interval", a, d.duration, appspec.Positive))
	if settled(f, "min_healthy_time", minTime) && settled(f, "healthy_deadline", deadline) {
		if err := appspec.MinHealthyTime(h.MinHealthyTime.Std(), h.Deadline.Std()); err != nil {
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
