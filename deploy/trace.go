package deploy

import (
	"log/slog"
	"time"
)

// tracePhase logs, at debug level, how long one phase of a command took:
// `--log-level debug` then shows where a run's time goes (docs/logs.md),
// per host with the host attribute (dial, agent_check with by, agent_start,
// hello, lock, status) and for the whole run (connect, plan, run, close).
// Disabled debug logging costs one Enabled check per phase.
func tracePhase(log *slog.Logger, phase string, start time.Time, attrs ...any) {
	log.Debug("phase", append([]any{slog.String("phase", phase), slog.Duration("took", time.Since(start))}, attrs...)...)
}

// closeAll ends every host's session, timed.
func (t *target) closeAll(fc *fleetConn) {
	defer tracePhase(t.log, "close", time.Now())
	fc.Close()
}
