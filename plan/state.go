package plan

import "time"

// State is where one host is in a run. The transitions Run makes are:
//
//	Pending -> Active -> Done | Failed
//	Pending -> Skipped | NotStarted
//	Done | Failed -> RolledBack | RollbackFailed   (auto-rollback)
type State string

const (
	StatePending        State = "pending"
	StateActive         State = "active" // its step is in flight
	StateDone           State = "done"
	StateFailed         State = "failed"
	StateSkipped        State = "skipped"     // already on the desired version; never reached Host.Apply
	StateNotStarted     State = "not-started" // the run halted or was interrupted before its turn
	StateRolledBack     State = "rolled-back"
	StateRollbackFailed State = "rollback-failed"
)

// Terminal reports whether a host in state s is finished with, as every
// host is when Run returns.
func (s State) Terminal() bool {
	switch s {
	case StateDone, StateFailed, StateSkipped, StateNotStarted, StateRolledBack, StateRollbackFailed:
		return true
	}
	return false
}

// Event is one state change of one host, for progress output. Run calls
// Options.Observer with one Event per change, one call at a time.
type Event struct {
	Time   time.Time // from Options.Now; zero when Now is nil
	Host   string
	Wave   int
	Kind   StepKind
	From   State
	To     State
	Reason string
	Err    error // the step's error, for Failed and RollbackFailed
}
