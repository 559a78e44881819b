package plan

import "errors"

// Sentinels. Callers decide with errors.Is; the messages are for people.
var (
	// ErrInvalidIntOrPercent: a count or percentage that is malformed,
	// negative, or a percentage above 100%.
	ErrInvalidIntOrPercent = errors.New("invalid count or percentage")
	// ErrInvalidStrategy: Strategy.Validate refused the strategy (an
	// unknown Strategy.Kind, limits out of range, or a combination the
	// kind does not take).
	ErrInvalidStrategy = errors.New("invalid strategy")
	// ErrNoSlot: the strategy needs hosts to surge (maxUnavailable resolves
	// to 0, or blue/green) but some changing hosts have no second slot
	// (Target.Surge is false). The message names them.
	ErrNoSlot = errors.New("no second slot to surge into")
	// ErrInvalidTarget: a target without a host name, or a rollout target
	// without a desired version.
	ErrInvalidTarget = errors.New("invalid target")
	// ErrDuplicateHost: the same host name appears in two targets.
	ErrDuplicateHost = errors.New("duplicate host")
	// ErrResultMismatch: ComputeRollback got a Result that was not produced
	// by running the Plan it was given.
	ErrResultMismatch = errors.New("result does not match plan")
	// ErrBudgetExceeded: more hosts failed than Strategy.MaxFailures allows
	// (for blue/green: any host failed); Run stopped starting hosts.
	ErrBudgetExceeded = errors.New("failure budget exceeded")
	// ErrCanaryFailed: the canary's hosts all passed, but
	// Options.AfterCanary (the bake) reported a failure; Run halted.
	ErrCanaryFailed = errors.New("canary failed")
	// ErrPaused is what Options.AfterCanary wraps to stop the run after
	// the canary without rolling anything back, until someone resumes it.
	// Result.Err wraps it for a paused run.
	ErrPaused = errors.New("paused")
	// ErrInterrupted: the context was cancelled and Run left work undone.
	ErrInterrupted = errors.New("interrupted")
	// ErrUntouched is what Host.Apply wraps when its step failed before
	// it changed anything on the host (the release never arrived, say).
	// The host counts against the failure budget like any failed host,
	// but no undo step is run on it: there is nothing to undo, and an
	// undo would restart a service that was never stopped.
	ErrUntouched = errors.New("host left untouched")
)

// HostError is the error of one host's step, so that the CLI can print one
// line per host while callers still reach the cause with errors.Is/As.
type HostError struct {
	Host string
	Op   string // the StepKind that failed: "activate", "revert", "prepare", "retire", ...
	Err  error
}

func (e *HostError) Error() string { return "host " + e.Host + ": " + e.Op + ": " + e.Err.Error() }

func (e *HostError) Unwrap() error { return e.Err }
