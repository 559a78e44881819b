package plan

import "errors"

// Sentinels. Callers decide with errors.Is; the messages are for people.
var (
	// ErrInvalidIntOrPercent: a count or percentage that is malformed,
	// negative, or a percentage above 100%.
	ErrInvalidIntOrPercent = errors.New("invalid count or percentage")
	// ErrInvalidStrategy: Strategy.Validate refused the strategy.
	ErrInvalidStrategy = errors.New("invalid strategy")
	// ErrSurgeUnsupported: the strategy lets no host go out of service and
	// relies on maxSurge, which needs slot-based surge (not implemented).
	ErrSurgeUnsupported = errors.New("maxSurge without maxUnavailable is not supported yet")
	// ErrInvalidTarget: a target without a host name, or a rollout target
	// without a desired version.
	ErrInvalidTarget = errors.New("invalid target")
	// ErrDuplicateHost: the same host name appears in two targets.
	ErrDuplicateHost = errors.New("duplicate host")
	// ErrResultMismatch: ComputeRollback got a Result that was not produced
	// by running the Plan it was given.
	ErrResultMismatch = errors.New("result does not match plan")
	// ErrBudgetExceeded: more hosts failed than Strategy.MaxFailures allows;
	// Run stopped starting hosts.
	ErrBudgetExceeded = errors.New("failure budget exceeded")
	// ErrInterrupted: the context was cancelled and Run left work undone.
	ErrInterrupted = errors.New("interrupted")
)

// HostError is the error of one host's step, so that the CLI can print one
// line per host while callers still reach the cause with errors.Is/As.
type HostError struct {
	Host string
	Op   string // "activate" or "revert"
	Err  error
}

func (e *HostError) Error() string { return "host " + e.Host + ": " + e.Op + ": " + e.Err.Error() }

func (e *HostError) Unwrap() error { return e.Err }
