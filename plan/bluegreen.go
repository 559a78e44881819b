package plan

import (
	"context"
	"errors"
	"sync"
)

// phase is one blue/green step applied to a set of hosts.
type phase struct {
	kind  StepKind
	limit int // most steps in flight at once
	// gated phases check ctx and the halt before each host and mark the
	// hosts they did not reach NotStarted; the others, once begun, start
	// every host (a cutover is one step for the whole fleet).
	gated  bool
	reason func(i int) string // Step.Reason for host i
	ok     State              // where a host goes when its step succeeds
	// halts: a failure halts the run and the host goes Failed. Otherwise
	// the host goes to failed (Failed, or Done for a retire) and the run
	// goes on.
	halts  bool
	failed State
}

// blueGreen runs a blue/green plan: prepare, cutover, retire, with the
// undo (discard or uncut) when a prepare or a cutover fails.
func (r *runner) blueGreen(ctx context.Context) {
	var idx []int
	for i, hp := range r.plan.Hosts {
		if hp.Action != ActionUpdate {
			r.skip(i)
			continue
		}
		idx = append(idx, i)
	}
	if len(idx) == 0 {
		return
	}
	planned := func(i int) string { return r.plan.Hosts[i].Reason }
	r.runPhase(ctx, idx, phase{kind: StepPrepare, limit: r.plan.SurgeWindow, gated: true,
		reason: planned, ok: StatePrepared, halts: true})
	if !r.phaseOver(ctx, r.touched(idx), StepDiscard) {
		return
	}
	cut := cutoverReason(len(idx))
	r.runPhase(ctx, idx, phase{kind: StepCutover, limit: len(idx),
		reason: func(int) string { return cut }, ok: StateSwitched, halts: true})
	if !r.phaseOver(ctx, idx, StepUncut) {
		return
	}
	r.runPhase(ctx, idx, phase{kind: StepRetire, limit: len(idx),
		reason: func(i int) string { return retireReason(r.plan.Hosts[i].From) }, ok: StateDone, failed: StateDone})
}

// phaseOver decides what follows a phase that may have halted or been
// interrupted: true to go on to the next phase. A halt undoes the phase
// with undo on the hosts idx; an interrupt leaves everything as it is.
func (r *runner) phaseOver(ctx context.Context, idx []int, undo StepKind) bool {
	switch {
	case ctx.Err() != nil:
		r.res.Interrupted = true // the next phase, or the undo, will not run
		return false
	case r.halted:
		r.undo(ctx, idx, undo)
		return false
	}
	return true
}

// touched lists the hosts of idx whose step started and may have changed
// them.
func (r *runner) touched(idx []int) []int {
	var out []int
	for _, i := range idx {
		if h := r.res.Hosts[i]; h.State != StateNotStarted && !h.Untouched {
			out = append(out, i)
		}
	}
	return out
}

// runPhase applies ph to the hosts idx, in order, at most ph.limit at
// once, and returns when every step it started has finished.
func (r *runner) runPhase(ctx context.Context, idx []int, ph phase) {
	pool := make(chan struct{}, max(ph.limit, 1))
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, i := range idx {
		reason := ph.reason(i)
		if ph.gated && !r.acquire(ctx, pool) {
			r.stop(ctx, i)
			return
		}
		if !ph.gated {
			pool <- struct{}{}
		}
		if !r.begin(ctx, i, ph.kind, reason, ph.gated) {
			<-pool
			r.stop(ctx, i)
			return
		}
		step := r.step(i, ph.kind, reason)
		wg.Go(func() {
			err := r.host.Apply(context.WithoutCancel(ctx), step)
			r.finishPhase(i, ph, err)
			<-pool
		})
	}
}

// finishPhase records the end of host i's step in phase ph.
func (r *runner) finishPhase(i int, ph phase, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished++
	h := &r.res.Hosts[i]
	h.Finished, h.Seq = r.now(), r.finished
	if err == nil {
		r.transition(i, ph.kind, ph.ok, doneReason(ph.kind, h.From, h.To), nil)
		return
	}
	h.Err, h.Untouched = err, errors.Is(err, ErrUntouched)
	if !ph.halts {
		r.transition(i, ph.kind, ph.failed, phaseFailReason(ph.kind, h.From, h.To), err)
		return
	}
	r.failures++
	reason := phaseFailReason(ph.kind, h.From, h.To)
	if !r.halted {
		r.haltLocked(notStartedReason(blueGreenCause))
		reason = blueGreenHaltReason(reason, ph.kind)
	}
	r.transition(i, ph.kind, StateFailed, reason, err)
}
