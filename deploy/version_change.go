package deploy

import (
	"fmt"
	"strings"

	"github.com/fleetdeploy/fleet/internal/semver"
	"github.com/fleetdeploy/fleet/plan"
)

// VersionChange is what kind of change p is by semantic versions
// (internal/semver): over the hosts it changes that run a version, a
// downgrade when any goes to an earlier version, not-semver when a
// version does not parse, else the largest step (major, minor, patch,
// same); "" when no host that runs a version changes.
func VersionChange(p plan.Plan) semver.Change {
	var cs []semver.Change
	for _, h := range p.Hosts {
		if h.Action == plan.ActionUpdate && h.From != "" {
			cs = append(cs, semver.Classify(h.From, h.To))
		}
	}
	return semver.Largest(cs...)
}

// Downgrades is the hosts p moves to an earlier semantic version, each as
// "host (from)"; nil when none.
func Downgrades(p plan.Plan) []string {
	var out []string
	for _, h := range p.Hosts {
		if h.Action == plan.ActionUpdate && h.From != "" && semver.Classify(h.From, h.To) == semver.Downgrade {
			out = append(out, fmt.Sprintf("%s (%s)", h.Host, h.From))
		}
	}
	return out
}

// checkDowngrade asks Options.Downgrade before a rollout moves hosts to
// an earlier semantic version; its error refuses the rollout with nothing
// changed.
func (t *target) checkDowngrade(p plan.Plan, version string) error {
	hosts := Downgrades(p)
	if t.downgrade == nil || len(hosts) == 0 {
		return nil
	}
	what := fmt.Sprintf("rollout of %s is a downgrade on %d hosts: %s", version, len(hosts), strings.Join(hosts, ", "))
	if err := t.downgrade(what); err != nil {
		return fmt.Errorf("%s; nothing changed: %w", what, err)
	}
	return nil
}
