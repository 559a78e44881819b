package plan

import (
	"sort"
	"time"
)

// Timing is what Estimate counts: the least each host's step waits, and
// the waits after the canary wave. Each is a lower bound: a pause until
// fleet promote, an analysis or a slow check only add to it.
type Timing struct {
	Drain      time.Duration // the old instance in maintenance before it stops (app.consul.drain)
	Restart    time.Duration // stopping and starting the instance (an allowance; 0 when unknown)
	MinHealthy time.Duration // the checks passing before the gate opens (health.min_healthy_time)
	Bake       time.Duration // after the canary wave (the canary's bake); rollout only
	Pauses     time.Duration // after the canary wave: a gray release's timed pauses, summed; rollout only
}

// Estimate is how long running a plan takes at least, and a rollback of
// every host it changes.
type Estimate struct {
	Rollout time.Duration
	// Rollback undoes every host the plan changes, with the rollback's own
	// window (Strategy.RollbackMaxUnavailable): the worst case of a
	// rollback after the run, in RollbackWaves waves of at most
	// RollbackWindow hosts in place.
	Rollback       time.Duration
	RollbackWaves  int
	RollbackWindow int
}

// EstimateOf is the least time p and a full rollback of it take. Hosts
// start in plan order as their pool has room (Run), so no host of wave n
// can finish before n steps have passed: a rolling plan takes its waves
// times one host's step (drain, restart, min healthy time), plus the bake
// and pauses after a canary. A blue/green plan prepares its waves (restart,
// min healthy time) and drains every host at once in its cutover. A
// rollback is rolling and has no canary. Pure: nothing is measured.
func EstimateOf(p Plan, t Timing) Estimate {
	step := t.Drain + t.Restart + t.MinHealthy
	waves := time.Duration(len(p.Waves))
	e := Estimate{Rollout: waves * step}
	if p.Strategy.Kind == StrategyBlueGreen && len(p.Waves) > 0 {
		e.Rollout = waves*(t.Restart+t.MinHealthy) + t.Drain
	}
	if len(p.Canary) > 0 {
		e.Rollout += t.Bake + t.Pauses
	}
	rb := fullRollback(p)
	e.RollbackWaves, e.RollbackWindow = len(rb.Waves), rb.Window
	e.Rollback = time.Duration(e.RollbackWaves) * step
	return e
}

// fullRollback is the rollback of p once every host it changes has
// finished, in plan order.
func fullRollback(p Plan) Plan {
	r := Result{Kind: p.Kind, Hosts: make([]HostResult, len(p.Hosts))}
	for i, hp := range p.Hosts {
		r.Hosts[i] = HostResult{Host: hp.Host, From: hp.From, To: hp.To, Mode: hp.Mode, State: StateSkipped}
		if hp.Action == ActionUpdate {
			r.Hosts[i].State, r.Hosts[i].Seq = StateDone, i+1
		}
	}
	return rollbackPlan(p, r)
}

// RollbackWindowFor is the smallest RollbackMaxUnavailable, as a count of
// hosts, with which a full rollback of p takes at most bound (EstimateOf);
// false when no window does: even every host at once takes longer, or
// the rollback has no host in place for a window to speed up.
func RollbackWindowFor(p Plan, t Timing, bound time.Duration) (IntOrPercent, bool) {
	n := 0 // hosts the rollback changes in place
	for _, hp := range p.Hosts {
		if hp.Action == ActionUpdate && stepMode(hp.Mode) == ModeInPlace {
			n++
		}
	}
	if n == 0 {
		return IntOrPercent{}, false
	}
	with := func(w int) Estimate {
		q := p
		q.Strategy.RollbackMaxUnavailable = IntOrPercent{Value: w}
		return EstimateOf(q, t)
	}
	// A wider window never takes longer (TestEstimate_WiderWindowNeverSlower).
	w := 1 + sort.Search(n, func(i int) bool { return with(i+1).Rollback <= bound })
	if w > n {
		return IntOrPercent{}, false
	}
	return IntOrPercent{Value: w}, true
}
