package deploy

import (
	"context"
	"time"

	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/report"
)

// cleanupContext outlives a Ctrl-C: closing work (prune, unlock) still gets
// to run, within its own deadline.
func cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
}

// summary reports where the run left every host: one host_done event
// each, which people see as the final table.
func (t *target) summary(r plan.Result) {
	for _, h := range r.Hosts {
		ev := Event{Kind: KindHostDone, Host: h.Host, From: h.From, To: h.To, Mode: string(h.Mode),
			State: string(h.State), Result: hostResult(h)}
		if !h.Started.IsZero() && !h.Finished.IsZero() {
			ev.DurationMS = h.Finished.Sub(h.Started).Milliseconds()
		}
		if h.Err != nil {
			ev.Error = h.Err.Error()
		}
		t.out.emit(ev)
	}
}

// hostResult says, in the report's words, where the run left the host.
func hostResult(h plan.HostResult) string {
	switch {
	case h.State == plan.StateRollbackFailed:
		return report.HostStranded
	case h.Err != nil:
		return report.HostFailed
	}
	switch h.State {
	case plan.StateDone:
		return report.HostChanged
	case plan.StateSkipped:
		return report.HostUnchanged
	case plan.StateRolledBack:
		return report.HostRolledBack
	case plan.StateNotStarted:
		return report.HostNotStarted
	}
	return report.HostUnfinished
}
