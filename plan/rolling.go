package plan

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// execute runs a rolling plan: hosts start in plan order, each through
// the pool of its mode, one goroutine per step, with the canary barrier
// before the first host after the canary. It returns when every started
// step has finished.
func (r *runner) execute(ctx context.Context) {
	pools := [2]chan struct{}{
		poolInPlace: make(chan struct{}, max(r.plan.Window, 1)),
		poolSurge:   make(chan struct{}, max(r.plan.SurgeWindow, 1)),
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	for i, hp := range r.plan.Hosts {
		if hp.Action != ActionUpdate {
			r.skip(i)
			continue
		}
		if i == r.afterCanary && !r.passCanary(ctx) {
			r.stop(ctx, i)
			return
		}
		pool := pools[poolOf(hp.Mode)]
		if !r.acquire(ctx, pool) {
			r.stop(ctx, i)
			return
		}
		if !r.begin(ctx, i, r.kind, hp.Reason, true) {
			<-pool
			r.stop(ctx, i)
			return
		}
		step := r.step(i, r.kind, hp.Reason)
		wg.Go(func() {
			err := r.host.Apply(context.WithoutCancel(ctx), step)
			// Record the outcome before returning the token, so the loop
			// sees a halt before it could start another host.
			r.finish(i, err)
			<-pool
		})
	}
}

// finish records the end of host i's rolling step and decides whether to
// halt.
func (r *runner) finish(i int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished++
	h := &r.res.Hosts[i]
	h.Finished, h.Seq = r.now(), r.finished
	if r.isCanary[i] {
		if r.canaryLeft--; r.canaryLeft == 0 {
			close(r.canaryDone)
		}
	}
	if err == nil {
		r.transition(i, r.kind, StateDone, doneReason(r.kind, h.From, h.To), nil)
		return
	}
	h.Err, h.Untouched = err, errors.Is(err, ErrUntouched)
	r.failures++
	reason := failReason(r.kind, h.To, r.failures, r.plan.Budget)
	if r.failures > r.plan.Budget && !r.halted {
		r.haltLocked(notStartedReason(budgetCause))
		reason = haltingReason(reason)
	}
	r.transition(i, r.kind, StateFailed, reason, err)
}

// passCanary waits until every canary host has finished, then asks
// Options.AfterCanary whether to go on. It returns false when the run
// must stop: interrupted, halted (on the budget, or because the bake
// failed) or paused. No step is in flight while AfterCanary runs.
func (r *runner) passCanary(ctx context.Context) bool {
	select {
	case <-r.canaryDone:
	case <-ctx.Done():
		return false
	case <-r.halt:
		return false
	}
	r.mu.Lock()
	stopped := ctx.Err() != nil || r.halted
	r.mu.Unlock()
	if stopped || r.opts.AfterCanary == nil {
		return !stopped
	}
	err := r.opts.AfterCanary(ctx, slices.Clone(r.canaryHosts))
	if err == nil || ctx.Err() != nil {
		// An error under a cancelled ctx is the interrupt, not a verdict.
		return err == nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.CanaryErr = err
	if errors.Is(err, ErrPaused) {
		r.res.Paused = true
		r.why = notStartedReason(pausedCause)
		return false
	}
	r.haltLocked(notStartedReason(bakeCause))
	return false
}
