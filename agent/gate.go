package agent

import (
	"fmt"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
)

// gateVerdict is where the health gate stands after a round.
type gateVerdict int

const (
	gatePending gateVerdict = iota
	gateHealthy
	gateUnhealthy
)

// gate is the health gate's bookkeeping, kept free of I/O and clocks so the
// timing rules can be tested on their own: healthy once every check has
// passed in every round for MinHealthyTime, counted from the first round
// of the current unbroken streak; unhealthy once Deadline has passed
// since start without that.
type gate struct {
	spec        appspec.Health
	start       time.Time
	streak      bool      // the last round passed
	since       time.Time // first round of the current streak
	rounds      int
	lastFailure string
}

func newGate(spec appspec.Health, start time.Time) *gate {
	return &gate{spec: spec, start: start}
}

// observe records the round that finished at now.
func (g *gate) observe(now time.Time, results []CheckResult) (HealthProgress, gateVerdict) {
	g.rounds++
	pass := true
	for _, r := range results {
		if !r.OK {
			pass = false
			g.lastFailure = r.Check + ": " + r.Reason
		}
	}
	if pass && !g.streak {
		g.since = now
	}
	g.streak = pass
	var healthyFor time.Duration
	if pass {
		healthyFor = now.Sub(g.since)
	}
	elapsed := now.Sub(g.start)
	p := HealthProgress{
		Round:      g.rounds,
		Passing:    pass,
		HealthyFor: appspec.Duration(healthyFor),
		Left:       appspec.Duration(max(g.spec.Deadline.Std()-elapsed, 0)),
		Checks:     results,
	}
	switch {
	case pass && healthyFor >= g.spec.MinHealthyTime.Std():
		return p, gateHealthy
	case elapsed >= g.spec.Deadline.Std():
		return p, gateUnhealthy
	}
	return p, gatePending
}

// failure explains an unhealthy verdict.
func (g *gate) failure() string {
	if g.lastFailure == "" {
		return fmt.Sprintf("checks passed but not for %s before the %s deadline (%d rounds)",
			g.spec.MinHealthyTime, g.spec.Deadline, g.rounds)
	}
	return fmt.Sprintf("not healthy within %s (%d rounds); last failure: %s",
		g.spec.Deadline, g.rounds, g.lastFailure)
}

// summary is the human line of a progress event.
func (p HealthProgress) summary(need appspec.Duration) string {
	if p.Passing {
		return fmt.Sprintf("round %d: passing, healthy for %s of %s, %s left",
			p.Round, p.HealthyFor, need, p.Left)
	}
	for _, c := range p.Checks {
		if !c.OK {
			return fmt.Sprintf("round %d: failing: %s: %s; %s left", p.Round, c.Check, c.Reason, p.Left)
		}
	}
	return fmt.Sprintf("round %d: failing; %s left", p.Round, p.Left)
}
