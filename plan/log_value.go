package plan

import "log/slog"

// LogValue summarizes the plan in one log line; plan itself never logs.
func (p Plan) LogValue() slog.Value {
	surge := 0
	for _, h := range p.Hosts {
		if h.Action == ActionUpdate && h.Mode == ModeSurge {
			surge++
		}
	}
	return slog.GroupValue(
		slog.String("kind", string(p.Kind)),
		slog.Int("hosts", len(p.Hosts)),
		slog.Int("changes", p.Changes()),
		slog.Int("surge_hosts", surge),
		slog.Int("waves", len(p.Waves)),
		slog.Int("window", p.Window),
		slog.Int("surge_window", p.SurgeWindow),
		slog.Int("budget", p.Budget),
		slog.Int("canary", len(p.Canary)),
		slog.String("max_unavailable", p.Strategy.MaxUnavailable.String()),
		slog.String("max_surge", p.Strategy.MaxSurge.String()),
		slog.String("max_failures", p.Strategy.MaxFailures.String()),
		slog.Bool("auto_rollback", p.Strategy.AutoRollback),
		slog.String("strategy", string(p.Strategy.Kind.orRolling())),
	)
}

// LogValue summarizes the result in one log line: counts per state, the
// hosts that failed, and the rollback's own summary.
func (r Result) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("kind", string(r.Kind)),
		slog.Int("hosts", len(r.Hosts)),
	}
	for _, s := range []State{
		StatePending, StateActive, StatePrepared, StateSwitched, StateDone, StateFailed, StateSkipped,
		StateNotStarted, StateRolledBack, StateRollbackFailed,
	} {
		if n := r.count(s); n > 0 {
			attrs = append(attrs, slog.Int(string(s), n))
		}
	}
	var failed []string
	for _, h := range r.Hosts {
		if h.Err != nil {
			failed = append(failed, h.Host)
		}
	}
	if len(failed) > 0 {
		attrs = append(attrs, slog.Any("failed_hosts", failed))
	}
	attrs = append(attrs, slog.Bool("halted", r.Halted), slog.Bool("interrupted", r.Interrupted))
	if r.Paused {
		attrs = append(attrs, slog.Bool("paused", true))
	}
	if r.CanaryErr != nil && !r.Paused {
		attrs = append(attrs, slog.String("canary_error", r.CanaryErr.Error()))
	}
	if r.Rollback != nil {
		attrs = append(attrs, slog.Attr{Key: "rollback", Value: r.Rollback.LogValue()})
	}
	return slog.GroupValue(attrs...)
}
