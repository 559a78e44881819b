package plan

import "time"

// State is where one host is in a run. The transitions Run makes are:
//
//	Pending -> Active -> Done | Failed
//	Pending -> Skipped | NotStarted
//	Done | Failed -> RolledBack | RollbackFailed   (auto-rollback)
//
// and for blue/green (StrategyBlueGreen), where Active is in turn the
// prepare, the cutover and the retire in flight:
//
//	Pending -> Active -> Prepared | Failed                 (prepare)
//	Prepared -> Active -> Switched | Failed                (cutover)
//	Switched -> Active -> Done                             (retire; Err set if it failed)
//	Prepared | Failed -> RolledBack | RollbackFailed       (discard, after a failed prepare)
//	Switched | Failed -> RolledBack | RollbackFailed       (uncut, after a failed cutover)
type State string

const (
	StatePending        State = "pending"
	StateActive         State = "active" // its step is in flight
	StateDone           State = "done"
	StateFailed         State = "failed"
	StateSkipped        State = "skipped"     // already on the desired version; never reached Host.Apply
	StateNotStarted     State = "not-started" // the run halted, paused or was interrupted before its turn
	StateRolledBack     State = "rolled-back" // undone: reverted, or for blue/green discarded or uncut
	StateRollbackFailed State = "rollback-failed"
	// StatePrepared (blue/green): the new version runs beside the old one,
	// gated and registered, but takes no traffic. A run ends with hosts
	// here only when it was interrupted before the cutover.
	StatePrepared State = "prepared"
	// StateSwitched (blue/green): the host serves the new version; its old
	// slot still runs. A run ends with hosts here only when it was
	// interrupted before the retire.
	StateSwitched State = "switched"
)

// Terminal reports whether a host in state s is finished with, as every
// host is when Run returns.
func (s State) Terminal() bool {
	switch s {
	case StateDone, StateFailed, StateSkipped, StateNotStarted, StateRolledBack, StateRollbackFailed,
		StatePrepared, StateSwitched:
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
	Mode   Mode // the host's mode; "" for a host with nothing to do
	From   State
	To     State
	Reason string
	Err    error // the step's error, for Failed and RollbackFailed (and a Done host whose retire failed)
}
