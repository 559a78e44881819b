package plan

import (
	"errors"
	"fmt"
	"time"
)

// HostResult is how one host ended up after Run.
type HostResult struct {
	Host     string
	From     string // versions, as in the plan
	To       string
	Mode     Mode // as in the plan
	State    State
	Err      error    // the step's error; kept after an auto-rollback
	LastStep StepKind // the last step the host started in this run ("" if none); an undo's steps are in Rollback
	Started  time.Time
	Finished time.Time
	// Seq is the 1-based order in which the host's (last) step finished
	// in this run (0: never finished). ComputeRollback orders by it,
	// because timestamps are all zero when Options.Now is nil.
	Seq int
	// Untouched: the step failed before changing the host (its error
	// wraps ErrUntouched), so the host is as it was before the run.
	Untouched bool
}

// Result is what Run did.
type Result struct {
	Kind  Kind
	Hosts []HostResult // same order as Plan.Hosts
	// Halted: Run stopped starting hosts because of a failure: more hosts
	// failed than the budget allows (for blue/green: any prepare or
	// cutover failed), or the canary's bake failed (CanaryErr is set).
	Halted bool
	// Paused: Options.AfterCanary asked to pause (ErrPaused, kept in
	// CanaryErr): the canary is done, the rest NotStarted, and nothing was
	// rolled back. A later run over the same targets resumes: the canary
	// hosts, now on their To version, are skipped.
	Paused bool
	// CanaryErr is what Options.AfterCanary returned, when not nil: the
	// pause (wrapping ErrPaused), or why the bake failed.
	CanaryErr error
	// Interrupted: the context was cancelled and Run therefore left work
	// undone: hosts not started, a phase or an auto-rollback not run, or
	// (then Rollback.Interrupted is set too) an auto-rollback stopped
	// halfway.
	Interrupted bool
	// Rollback is the auto-rollback's own result, when one ran; for
	// blue/green, the discard's or the uncut's.
	Rollback *Result
}

// Err returns nil when every host ended up as planned. Otherwise it joins
// ErrBudgetExceeded (or ErrCanaryFailed) when the run halted, the pause
// (wrapping ErrPaused), ErrInterrupted when it applies, a *HostError for
// each host whose step failed, and the rollback's Err.
func (r Result) Err() error {
	var errs []error
	switch {
	case r.Paused:
		errs = append(errs, fmt.Errorf("after the canary: %w", r.CanaryErr))
	case r.CanaryErr != nil:
		errs = append(errs, fmt.Errorf("%w: %w", ErrCanaryFailed, r.CanaryErr))
	case r.Halted:
		errs = append(errs, fmt.Errorf("%w: %d failed", ErrBudgetExceeded, r.failures()))
	}
	if r.Interrupted && (r.Rollback == nil || !r.Rollback.Interrupted) {
		// An interrupted rollback reports it in its own Err, below.
		errs = append(errs, fmt.Errorf("%w before the run finished", ErrInterrupted))
	}
	for _, h := range r.Hosts {
		if h.Err != nil {
			op := h.LastStep
			if op == "" {
				op = stepKind(r.Kind)
			}
			errs = append(errs, &HostError{Host: h.Host, Op: string(op), Err: h.Err})
		}
	}
	if r.Rollback != nil {
		errs = append(errs, r.Rollback.Err())
	}
	return errors.Join(errs...)
}

// Changed lists, in plan order, the hosts whose step this run started:
// the ones that may no longer be as they were (for blue/green, a
// prepared host runs the new version beside the old one).
func (r Result) Changed() []string {
	var hosts []string
	for _, h := range r.Hosts {
		switch h.State {
		case StateActive, StateDone, StateFailed, StateRolledBack, StateRollbackFailed, StatePrepared, StateSwitched:
			if !h.Untouched {
				hosts = append(hosts, h.Host)
			}
		}
	}
	return hosts
}

func (r Result) count(s State) int {
	n := 0
	for _, h := range r.Hosts {
		if h.State == s {
			n++
		}
	}
	return n
}

// failures counts hosts whose step failed, including those rolled back since.
func (r Result) failures() int {
	n := 0
	for _, h := range r.Hosts {
		if h.Err != nil {
			n++
		}
	}
	return n
}
