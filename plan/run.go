package plan

import (
	"context"
	"sync"
	"time"
)

// Options tunes Run. The zero value is valid.
type Options struct {
	// Observer, when set, receives every state change. Run never calls it
	// concurrently, so it may print without locking; it should not block.
	Observer func(Event)
	// Now stamps events and results. plan never reads the clock itself, so
	// when Now is nil every timestamp stays zero.
	Now func() time.Time
	// AfterCanary, when set, is called once every canary host (Plan.Canary)
	// has finished within the failure budget and hosts remain to update;
	// no step is in flight meanwhile. It may bake (watch the canary's
	// health for a while) and decide: nil goes on with the rest; an error
	// wrapping ErrPaused stops the run with nothing rolled back
	// (Result.Paused); any other error fails the canary (Result.Halted,
	// then the auto-rollback). It gets Run's ctx, cancellation included.
	AfterCanary func(ctx context.Context, canary []string) error
}

// Run executes p through h and reports what happened to every host.
//
// Rolling plans: hosts start in plan order, each taking a token from its
// pool: Window tokens for in-place hosts, SurgeWindow tokens for surge
// hosts. The order is strict: a host waiting for its pool also holds back
// the hosts after it, even those of the other pool, so hosts start
// exactly in the order the plan shows. A token returns as soon as its
// step finishes. With a canary, every canary host finishes (and
// Options.AfterCanary says go on) before any other host starts. Once more
// than p.Budget hosts have failed, no new host starts, in-flight steps
// finish, and with Strategy.AutoRollback the hosts this run changed are
// rolled back (ComputeRollback, run by Run with the same pools, each host
// in its own mode).
//
// Blue/green plans (StrategyBlueGreen) run in three phases: StepPrepare
// on every host to update, SurgeWindow at a time; then, only if every
// prepare succeeded, StepCutover on all of them at once; then StepRetire
// on all of them at once. Blue/green is all or nothing and its undo does
// not depend on AutoRollback: a failed prepare stops new prepares and
// discards (StepDiscard) every host that started preparing; a failed
// cutover undoes it (StepUncut) on every host. A failed retire is
// reported (the host is Done with Err set, HostError op "retire") but
// undoes nothing: the fleet already serves the new version.
//
// Cancelling ctx stops new hosts (and new phases) from starting, but
// steps already in flight get a context that is never cancelled: stopping
// a host halfway through its switch and restart would leave a state
// nobody chose. A blue/green cutover, retire or undo, once begun, starts
// on every host. After an interrupt no auto-rollback, discard or uncut
// runs. A second interrupt is for the process to handle.
//
// Hosts whose Action is not ActionUpdate are marked Skipped and never
// reach h. A pool of size below 1 (never made by Compute for hosts that
// use it) runs its hosts one at a time. A Strategy.Kind plan does not
// know (never made by Compute) changes nothing: every host to update is
// NotStarted with an error wrapping ErrInvalidStrategy.
//
// Run dispatches on p.Strategy.Kind in one place, kindRules.
func Run(ctx context.Context, p Plan, h Host, o Options) Result {
	k, ok := kindRules(p.Strategy.Kind)
	if !ok {
		k = rules{first: stepKind, run: refuse}
	}
	r := newRunner(p, h, o, k.first(p.Kind))
	k.run(r, ctx)
	// Every goroutine the run started has ended: no locking from here on
	// except around the observer.
	r.res.Halted = r.halted
	return r.res
}

// rolling runs a StrategyRolling plan, then, when it halted and
// Strategy.AutoRollback is on, rolls back the hosts it changed.
func (r *runner) rolling(ctx context.Context) {
	r.execute(ctx)
	if r.halted && r.plan.Strategy.AutoRollback {
		r.res.Halted = true // the rollback's reasons say why it runs
		r.rollback(ctx)
	}
}

// refuse is the run of a plan whose Strategy.Kind plan does not know: no
// host is touched.
func refuse(r *runner, _ context.Context) {
	err := unknownKind(r.plan.Strategy.Kind)
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, hp := range r.plan.Hosts {
		if hp.Action != ActionUpdate {
			r.transition(i, r.kind, StateSkipped, hp.Reason, nil)
			continue
		}
		r.res.Hosts[i].Err, r.res.Hosts[i].Untouched = err, true
		r.transition(i, r.kind, StateNotStarted, "not started: "+err.Error(), err)
	}
}

// stepKind is the step a rolling plan of kind k applies to its hosts.
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
	kind StepKind      // the step hosts are reported with before they start (rules.first)
	halt chan struct{} // closed when the run first halts

	// The canary: the leading hosts to update that Plan.Canary names.
	canaryHosts []string
	isCanary    []bool        // by plan index
	afterCanary int           // plan index of the first host to update after the canary; -1: none
	canaryDone  chan struct{} // closed when the last canary host finishes

	// mu guards everything below. It is also held while the observer is
	// called, which serializes the observer and keeps events in the
	// order the state changes happened.
	mu         sync.Mutex
	res        Result
	failures   int
	finished   int
	halted     bool
	canaryLeft int
	why        string // why hosts are not started, once halted or paused
}

func newRunner(p Plan, h Host, o Options, kind StepKind) *runner {
	r := &runner{
		plan: p, host: h, opts: o, kind: kind,
		halt: make(chan struct{}), canaryDone: make(chan struct{}),
		isCanary: make([]bool, len(p.Hosts)), afterCanary: -1,
	}
	r.res = Result{Kind: p.Kind, Hosts: make([]HostResult, len(p.Hosts))}
	for i, hp := range p.Hosts {
		r.res.Hosts[i] = HostResult{Host: hp.Host, From: hp.From, To: hp.To, Mode: hp.Mode, State: StatePending}
	}
	r.findCanary()
	return r
}

// findCanary marks the canary: the leading hosts to update, as long as
// Plan.Canary lists them in order.
func (r *runner) findCanary() {
	for i, hp := range r.plan.Hosts {
		if hp.Action != ActionUpdate {
			continue
		}
		n := len(r.canaryHosts)
		if n < len(r.plan.Canary) && r.plan.Canary[n] == hp.Host {
			r.canaryHosts = append(r.canaryHosts, hp.Host)
			r.isCanary[i] = true
			continue
		}
		if n > 0 {
			r.afterCanary = i
		}
		break
	}
	r.canaryLeft = len(r.canaryHosts)
}

// step is the Step of kind for host i, with the slots it acts on.
func (r *runner) step(i int, kind StepKind, reason string) Step {
	hp := r.plan.Hosts[i]
	mode := stepMode(hp.Mode)
	slot, serving := hp.Slots.forStep(mode)
	return Step{Host: hp.Host, Kind: kind, Mode: mode, From: hp.From, To: hp.To, Wave: hp.Wave, Reason: reason,
		Slot: slot, Serving: serving}
}

// acquire waits for a free token in pool; it gives up when ctx is
// cancelled or the run halts, so that the remaining hosts are marked at
// once rather than when an in-flight step happens to finish.
func (r *runner) acquire(ctx context.Context, pool chan struct{}) bool {
	select {
	case pool <- struct{}{}:
		return true
	case <-ctx.Done():
	case <-r.halt:
	}
	return false
}

// begin marks host i Active for a step of kind. When gated, it refuses
// once the run must stop; the check and the mark happen under one lock,
// so no host starts after the halting failure has been recorded.
func (r *runner) begin(ctx context.Context, i int, kind StepKind, reason string, gated bool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gated && (ctx.Err() != nil || r.halted) {
		return false
	}
	h := &r.res.Hosts[i]
	if h.Started.IsZero() {
		h.Started = r.now()
	}
	h.LastStep = kind
	r.transition(i, kind, StateActive, reason, nil)
	return true
}

// haltLocked halts the run, once; why becomes the reason of the hosts not
// started. The caller holds r.mu.
func (r *runner) haltLocked(why string) {
	if r.halted {
		return
	}
	r.halted = true
	r.why = why
	close(r.halt)
}

// skip marks host i Skipped: it is already on its version.
func (r *runner) skip(i int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.transition(i, r.kind, StateSkipped, r.plan.Hosts[i].Reason, nil)
}

// stop marks every host from i on that is still pending NotStarted (or
// Skipped, for those with nothing to do) and notes an interrupt.
func (r *runner) stop(ctx context.Context, from int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	reason := r.why
	if reason == "" {
		reason = notStartedReason(interruptedCause)
	}
	if ctx.Err() != nil {
		r.res.Interrupted = true
	}
	for j := from; j < len(r.plan.Hosts); j++ {
		switch {
		case r.res.Hosts[j].State != StatePending:
		case r.plan.Hosts[j].Action != ActionUpdate:
			r.transition(j, r.kind, StateSkipped, r.plan.Hosts[j].Reason, nil)
		default:
			r.transition(j, r.kind, StateNotStarted, reason, nil)
		}
	}
}

// transition moves host i to state to, as a step of kind.
func (r *runner) transition(i int, kind StepKind, to State, reason string, err error) {
	hp := r.plan.Hosts[i]
	r.set(i, Event{Wave: hp.Wave, Kind: kind, Mode: hp.Mode, To: to, Reason: reason, Err: err})
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
