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
	r.res.Rollback = &sub
	// An interrupted rollback is an interrupted run: the caller checks one
	// flag to know the user stopped it.
	r.res.Interrupted = r.res.Interrupted || sub.Interrupted

	index := make(map[string]int, len(r.res.Hosts))
	for i, h := range r.res.Hosts {
		index[h.Host] = i
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, h := range sub.Hosts {
		ev := Event{Wave: rb.Hosts[k].Wave, Kind: StepRevert, Err: h.Err}
		switch h.State {
		case StateDone:
			ev.To, ev.Reason = StateRolledBack, "rolled back to "+versionLabel(h.To)
		case StateFailed:
			ev.To, ev.Reason = StateRollbackFailed, "rollback to "+versionLabel(h.To)+" failed"
		default: // not started: the rollback was interrupted
			continue
		}
		r.set(index[h.Host], ev)
	}
}
