package plan

import (
	"context"
	"sync"
	"time"
)

// StepKind is what Host.Apply is asked to do to one host.
type StepKind string

const (
	// StepActivate switches the host to Step.To, restarts it and runs the
	// health gate. It takes the host out of service while it runs.
	StepActivate StepKind = "activate"
	// StepRevert is the same disruptive step back to the earlier version;
	// Run uses it for every host of a KindRollback plan.
	StepRevert StepKind = "revert"
)

// Step is one unit of work for Host.Apply.
type Step struct {
	Host   string
	Kind   StepKind
	From   string
	To     string
	Wave   int
	Reason string // e.g. "wave 2/5: maxUnavailable=1"
}

// Host is the only seam between plan and the outside world; cmd/fleet
// implements it over the agent. Apply must be safe for concurrent calls
// on different hosts.
type Host interface {
	Apply(ctx context.Context, s Step) error
}

// Options tunes Run. The zero value is valid.
type Options struct {
	// Observer, when set, receives every state change. Run never calls it
	// concurrently, so it may print without locking; it should not block.
	Observer func(Event)
	// Now stamps events and results. plan never reads the clock itself, so
	// when Now is nil every timestamp stays zero.
	Now func() time.Time
}

// Run executes p through h and reports what happened to every host.
//
// At most p.Window steps are in flight; the next host, in plan order,
// starts as soon as any step finishes. Once more than p.Budget hosts
// have failed, no new host starts, in-flight steps finish, and with
// Strategy.AutoRollback the hosts this run changed are rolled back
// (ComputeRollback, run by Run with the same window and Host).
//
// Cancelling ctx stops new hosts from starting, but steps already in
// flight get a context that is never cancelled: stopping a host halfway
// through its switch and restart would leave a state nobody chose. A
// second interrupt is for the process to handle. After an interrupt no
// auto-rollback runs.
//
// Hosts whose Action is not ActionUpdate are marked Skipped and never
// reach h. A plan with Window below 1 (never made by Compute) runs one
// host at a time.
func Run(ctx context.Context, p Plan, h Host, o Options) Result {
	r := newRunner(p, h, o)
	r.execute(ctx)
	// Every goroutine execute started has ended: no locking from here on
	// except around the observer.
	r.res.Halted = r.halted
	if r.halted && p.Strategy.AutoRollback {
		r.rollback(ctx)
	}
	return r.res
}

// stepKind is the step a plan of kind k applies to its hosts.
func stepKind(k Kind) StepKind {
	if k == KindRollback {
		return StepRevert
	}
	return StepActivate
}

// runner is the state of one Run.
type runner struct {
	plan Plan
	host Host
	opts Options
	kind StepKind
	halt chan struct{} // closed when failures first exceed the budget

	// mu guards everything below. It is also held while the observer is
	// called, which serializes the observer and keeps events in the
	// order the state changes happened.
	mu       sync.Mutex
	res      Result
	failures int
	finished int
	halted   bool
}

func newRunner(p Plan, h Host, o Options) *runner {
	r := &runner{plan: p, host: h, opts: o, kind: stepKind(p.Kind), halt: make(chan struct{})}
	r.res = Result{Kind: p.Kind, Hosts: make([]HostResult, len(p.Hosts))}
	for i, hp := range p.Hosts {
		r.res.Hosts[i] = HostResult{Host: hp.Host, From: hp.From, To: hp.To, State: StatePending}
	}
	return r
}

// execute starts hosts in plan order through a semaphore of Window
// slots, one goroutine per step, and returns when every started step has
// finished.
func (r *runner) execute(ctx context.Context) {
	slots := make(chan struct{}, max(r.plan.Window, 1))
	var wg sync.WaitGroup
	for i, hp := range r.plan.Hosts {
		if hp.Action != ActionUpdate {
			r.skip(i)
			continue
		}
		if !r.acquire(ctx, slots) {
			r.stop(ctx, i)
			break
		}
		if !r.begin(ctx, i) {
			<-slots
			r.stop(ctx, i)
			break
		}
		step := Step{Host: hp.Host, Kind: r.kind, From: hp.From, To: hp.To, Wave: hp.Wave, Reason: hp.Reason}
		wg.Go(func() {
			err := r.host.Apply(context.WithoutCancel(ctx), step)
			// Record the outcome before freeing the slot, so the loop
			// sees a halt before it could start another host.
			r.finish(i, err)
			<-slots
		})
	}
	wg.Wait()
}

// acquire waits for a free slot; it gives up when ctx is cancelled or
// the run halts, so that the remaining hosts are marked at once rather
// than when an in-flight step happens to finish.
func (r *runner) acquire(ctx context.Context, slots chan struct{}) bool {
	select {
	case slots <- struct{}{}:
		return true
	case <-ctx.Done():
	case <-r.halt:
	}
	return false
}

// begin marks host i Active unless the run must stop. The check and the
// mark happen under one lock, so no host starts after the halting failure
// has been recorded.
func (r *runner) begin(ctx context.Context, i int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ctx.Err() != nil || r.halted {
		return false
	}
	r.res.Hosts[i].Started = r.now()
	r.transition(i, StateActive, r.plan.Hosts[i].Reason, nil)
	return true
}

// finish records the end of host i's step and decides whether to halt.
func (r *runner) finish(i int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished++
	h := &r.res.Hosts[i]
	h.Finished, h.Seq = r.now(), r.finished
	if err == nil {
		r.transition(i, StateDone, doneReason(r.kind, h.To), nil)
		return
	}
	h.Err = err
	r.failures++
	reason := failReason(r.kind, h.To, r.failures, r.plan.Budget)
	if r.failures > r.plan.Budget && !r.halted {
		r.halted = true
		close(r.halt)
		reason += ": budget exceeded, halting"
	}
	r.transition(i, StateFailed, reason, err)
}

// skip marks host i Skipped: it is already on its version.
func (r *runner) skip(i int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.transition(i, StateSkipped, r.plan.Hosts[i].Reason, nil)
}

// stop marks every host from i on NotStarted (or Skipped, for those with
// nothing to do) and notes an interrupt.
func (r *runner) stop(ctx context.Context, from int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	reason := "not started: interrupted"
	if r.halted {
		reason = "not started: failure budget exceeded"
	}
	if ctx.Err() != nil {
		r.res.Interrupted = true
	}
	for j := from; j < len(r.plan.Hosts); j++ {
		if r.plan.Hosts[j].Action != ActionUpdate {
			r.transition(j, StateSkipped, r.plan.Hosts[j].Reason, nil)
			continue
		}
		r.transition(j, StateNotStarted, reason, nil)
	}
}

// transition moves host i to state to, as a step of this run.
func (r *runner) transition(i int, to State, reason string, err error) {
	r.set(i, Event{Wave: r.plan.Hosts[i].Wave, Kind: r.kind, To: to, Reason: reason, Err: err})
}

// set moves host i to ev.To and tells the observer; it fills in the
// event's time, host and previous state. The caller holds r.mu.
func (r *runner) set(i int, ev Event) {
	h := &r.res.Hosts[i]
	ev.Time, ev.Host, ev.From = r.now(), h.Host, h.State
	h.State = ev.To
	if r.opts.Observer != nil {
		r.opts.Observer(ev)
	}
}

func (r *runner) now() time.Time {
	if r.opts.Now == nil {
		return time.Time{}
	}
	return r.opts.Now()
}
