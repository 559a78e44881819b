package agent

import (
	"context"
	"fmt"
)

// UnitManager is the agent's view of systemd. Systemd implements it over
// D-Bus; tests use agenttest.Units.
type UnitManager interface {
	// Restart restarts name and waits for the job; a job result other
	// than "done" is a *JobError.
	Restart(ctx context.Context, name string) error
	// Stop stops name and waits for the job; a job result other than
	// "done" is a *JobError. A unit systemd does not know is stopped.
	Stop(ctx context.Context, name string) error
	// ResetFailed clears name's failed state and its start-limit counter.
	ResetFailed(ctx context.Context, name string) error
	// ActiveState returns name's ActiveState ("active", "failed", ...).
	ActiveState(ctx context.Context, name string) (string, error)
	// UnitResult returns name's Result property ("success",
	// "start-limit-hit", "exit-code", ...), which says why a job failed.
	UnitResult(ctx context.Context, name string) (string, error)
}

// JournalReader reads a unit's recent log lines.
type JournalReader interface {
	Tail(ctx context.Context, unit string, n int) ([]string, error)
}

// ResultStartLimitHit is the unit Result systemd sets when it refused a
// start because the unit hit StartLimitBurst within StartLimitIntervalSec.
const ResultStartLimitHit = "start-limit-hit"

// JobError is a systemd job that finished with a result other than "done"
// (canceled, timeout, failed, dependency, skipped, ...).
type JobError struct {
	Unit   string
	Job    string // "restart", "stop"
	Result string
}

func (e *JobError) Error() string {
	return fmt.Sprintf("%s %s: job %s", e.Job, e.Unit, e.Result)
}
