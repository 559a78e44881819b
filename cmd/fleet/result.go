package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fleetdeploy/fleet/plan"
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
		ev := event{Kind: "host_done", Host: h.Host, From: h.From, To: h.To, Mode: string(h.Mode),
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

func outcome(r plan.Result) string {
	switch {
	case r.Paused:
		return "paused after canary"
	case r.Interrupted:
		return "interrupted"
	case r.Err() == nil:
		return "succeeded"
	case len(r.Changed()) == 0:
		return "failed, nothing changed"
	case r.Rollback != nil && r.Rollback.Err() == nil:
		return "failed, rolled back"
	default:
		return "failed"
	}
}

// resultExit maps a finished run to the documented exit codes.
func resultExit(ctx context.Context, r plan.Result) error {
	err := r.Err()
	switch {
	case r.Paused:
		return withExit(exitPaused, errors.New("paused after the canary: run `fleet promote` to continue or `fleet rollback` to undo"))
	case r.Interrupted || (ctx.Err() != nil && err != nil):
		return withExit(exitInterrupted, errors.Join(errors.New("interrupted"), err))
	case err == nil:
		return nil
	case len(r.Changed()) == 0:
		// Every failure left its host untouched (the release never
		// arrived there): the fleet is as it was.
		return withExit(exitRolledBack, fmt.Errorf("rollout failed, no host was changed: %w", err))
	case r.Rollback != nil && r.Rollback.Err() == nil:
		return withExit(exitRolledBack, fmt.Errorf("rollout failed, changed hosts rolled back: %w", err))
	default:
		return withExit(exitMixed, fmt.Errorf("rollout failed, hosts left on mixed versions: %w", err))
	}
}
