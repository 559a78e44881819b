package plan

import "context"

// rollback runs the rollback plan over the hosts this run changed and
// records each host's outcome in the run's own result.
func (r *runner) rollback(ctx context.Context) {
	if ctx.Err() != nil {
		// The user asked to stop; a rollback would be more change.
		r.res.Interrupted = true
		return
	}
	rb := rollbackPlan(r.plan, r.res)
	sub := Run(ctx, rb, r.host, r.opts)
	// An interrupted rollback is an interrupted run: the caller checks one
	// flag to know the user stopped it.
	r.res.Interrupted = r.res.Interrupted || sub.Interrupted
	r.adopt(rb, sub, StepRevert)
}

// undo runs kind (StepDiscard or StepUncut) on the blue/green hosts idx,
// all at once, as a computed plan with its own Result, then records each
// host's outcome in the run's own result. It never halts on its own
// failures, and once begun it starts on every host.
func (r *runner) undo(ctx context.Context, idx []int, kind StepKind) {
	up := undoPlan(r.plan, idx, kind)
	sub := newRunner(up, r.host, r.opts, stepKind(up.Kind))
	all := make([]int, len(up.Hosts))
	for k := range all {
		all[k] = k
	}
	sub.runPhase(ctx, all, phase{kind: kind, limit: len(all),
		reason: func(k int) string { return up.Hosts[k].Reason }, ok: StateDone, failed: StateFailed})
	r.adopt(up, sub.res, kind)
}

// adopt stores sub, the result of running the undo plan up, as the run's
// rollback, and moves each host it undid to RolledBack or RollbackFailed.
func (r *runner) adopt(up Plan, sub Result, kind StepKind) {
	r.res.Rollback = &sub
	index := make(map[string]int, len(r.res.Hosts))
	for i, h := range r.res.Hosts {
		index[h.Host] = i
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, h := range sub.Hosts {
		ev := Event{Wave: up.Hosts[k].Wave, Kind: kind, Mode: up.Hosts[k].Mode, Err: h.Err}
		switch h.State {
		case StateDone:
			ev.To, ev.Reason = StateRolledBack, undoneReason(kind, h.From, h.To)
		case StateFailed:
			ev.To, ev.Reason = StateRollbackFailed, undoFailedReason(kind, h.From, h.To)
		default: // not started: the rollback was interrupted
			continue
		}
		r.set(index[h.Host], ev)
	}
}
