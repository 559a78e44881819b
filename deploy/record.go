package deploy

import (
	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/report"
)

// Record is what a mutating call (Rollout, Rollback, Promote) did, as far
// as it got: a call refused before it started has no Plan or Result, one
// refused before it named the run not even an ID.
type Record struct {
	Command string // rollout, rollback or promote
	ID      string // the rollout id, in every event and host journal
	Version string // the version the run moves hosts to
	// Plan is the plan the run computed; nil before it had one.
	Plan *plan.Plan
	// Result is where the plan's run left every host; nil when it did not
	// run. Outcome and the exit code are read from it.
	Result *plan.Result
	// Bake is the canary bake's verdict, when there was one.
	Bake *report.Gate
}

// Outcome is a finished run in the words people read (rollout_done's
// state): "succeeded", "failed, rolled back", "paused after canary", …
func Outcome(r plan.Result) string {
	switch {
	case r.Paused:
		return "paused after canary"
	case r.Interrupted:
		return "interrupted"
	case r.Err() == nil:
		return "succeeded"
	case len(r.Changed()) == 0:
		return "failed, nothing changed"
	case r.Rollback != nil && r.Rollback.Err() == nil:
		return "failed, rolled back"
	default:
		return "failed"
	}
}

// StateCounts is how many hosts the run left in each plan state.
func StateCounts(r plan.Result) map[string]int {
	m := map[string]int{}
	for _, h := range r.Hosts {
		m[string(h.State)]++
	}
	return m
}
