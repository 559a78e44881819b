package deploy

import (
	"github.com/fleetdeploy/fleet/changelog"
	"time"

	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/provenance"
	"github.com/fleetdeploy/fleet/report"
)

// Record is what a mutating call (Rollout, Rollback, Promote) did, as far
// as it got: a call refused before it started has no Plan or Result, one
// refused before it named the run not even an ID.
type Record struct {
	Command string // rollout, rollback or promote
	ID      string // the rollout id, in every event and host journal
	Version string // the version the run moves hosts to
	// ChangeNote is Options.ChangeNote, why the run happens.
	ChangeNote string
	// Provenance is the rolled-out artifact's (Rollout); nil when the run
	// uploads nothing or nothing is known.
	Provenance *provenance.Provenance
	// Changelog is what the run changes, commit by commit (Options.RepoDir);
	// nil without.
	Changelog []changelog.Log
	// Plan is the plan the run computed; nil before it had one.
	Plan *plan.Plan
	// Result is where the plan's run left every host; nil when it did not
	// run. Outcome and the exit code are read from it.
	Result *plan.Result
	// Bake is the canary bake's verdict, when there was one.
	Bake *report.Gate
	// Analyses are the verdicts of the metric analyses that ran.
	Analyses []report.Gate
	// HookErr is the after hook's failure (ErrHookFailed) on a run whose
	// every wave succeeded: the hosts stay on the version.
	HookErr error
}

// Done is the run's last event, rollout_done, with the same outcome as
// its Report: result and exitCode are the command's outcome in the
// report's words and as the process exits, err its error, started and
// finished its times.
func (r Record) Done(result string, exitCode int, err error, started, finished time.Time) Event {
	ev := Event{Kind: KindRolloutDone, RolloutID: r.ID, Command: r.Command, To: r.Version, State: r.outcome(result),
		Result: result, ExitCode: &exitCode, DurationMS: finished.Sub(started).Milliseconds()}
	if r.Result != nil {
		ev.Counts = StateCounts(*r.Result)
	}
	if err != nil {
		ev.Error = err.Error()
	}
	return ev
}

// outcome is rollout_done's state: Outcome, or for a run that never ran
// its plan, whether it was interrupted (report.Interrupted) or could not
// start.
func (r Record) outcome(result string) string {
	switch {
	case r.Result != nil:
		return Outcome(*r.Result)
	case result == report.Interrupted:
		return "interrupted"
	}
	return "could not start"
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
