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
	State    State
	Err      error // the step's error; kept after an auto-rollback
	Started  time.Time
	Finished time.Time
	// Seq is the 1-based order in which the host's step finished in this
	// run (0: never finished). ComputeRollback orders by it, because
	// timestamps are all zero when Options.Now is nil.
	Seq int
}

// Result is what Run did.
type Result struct {
	Kind  Kind
	Hosts []HostResult // same order as Plan.Hosts
	// Halted: more hosts failed than the budget allows, so Run stopped
	// starting new ones.
	Halted bool
	// Interrupted: the context was cancelled and Run therefore left work
	// undone: hosts not started, an auto-rollback not run, or (then
	// Rollback.Interrupted is set too) an auto-rollback stopped halfway.
	Interrupted bool
	// Rollback is the auto-rollback's own result, when one ran.
	Rollback *Result
}

// Err returns nil when every host ended up as planned. Otherwise it joins
// ErrBudgetExceeded and ErrInterrupted when they apply, a *HostError for
// each host whose step failed, and the rollback's Err.
func (r Result) Err() error {
	var errs []error
	if r.Halted {
		errs = append(errs, fmt.Errorf("%w: %d failed", ErrBudgetExceeded, r.failures()))
	}
	if r.Interrupted && (r.Rollback == nil || !r.Rollback.Interrupted) {
		// An interrupted rollback reports it in its own Err, below.
		errs = append(errs, fmt.Errorf("%w before the run finished", ErrInterrupted))
	}
	op := string(stepKind(r.Kind))
	for _, h := range r.Hosts {
		if h.Err != nil {
			errs = append(errs, &HostError{Host: h.Host, Op: op, Err: h.Err})
		}
	}
	if r.Rollback != nil {
		errs = append(errs, r.Rollback.Err())
	}
	return errors.Join(errs...)
}

// Changed lists, in plan order, the hosts whose step this run started:
// the ones that may no longer be on their From version.
func (r Result) Changed() []string {
	var hosts []string
	for _, h := range r.Hosts {
		switch h.State {
		case StateActive, StateDone, StateFailed, StateRolledBack, StateRollbackFailed:
			hosts = append(hosts, h.Host)
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
