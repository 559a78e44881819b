package plan_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"pgregory.net/rapid"

	"github.com/fleetdeploy/fleet/plan"
)

// runModel follows a run from the outside, knowing only the plan and
// what the test told the host to do.
type runModel struct {
	plan    plan.Plan
	updates []plan.HostPlan // the hosts to update, in plan order
	obs     *checkedObserver
	host    *gateHost
	probe   *canaryProbe

	failures         int  // activations the test failed
	cancelled        bool // the test cancelled the context
	cancelInRollout  bool // ... while activations were in flight
	cancelStopped    bool // ... while hosts were left to start
	cancelBeforeBake bool // ... before AfterCanary was called
	// startedAtHalt is how many activations had started when the test
	// failed the host that exceeded the budget; -1 until then.
	startedAtHalt int
}

func newRunModel(p plan.Plan, verdict string) *runModel {
	m := &runModel{plan: p, obs: &checkedObserver{}, host: &gateHost{}, startedAtHalt: -1}
	m.probe = &canaryProbe{verdict: verdict, host: m.host, canary: p.Canary}
	for _, h := range p.Hosts {
		if h.Action == plan.ActionUpdate {
			m.updates = append(m.updates, h)
		}
	}
	return m
}

// canaryProbe is Options.AfterCanary for the property test: it checks
// that it is called with the whole canary finished and nothing else
// started, and answers the drawn verdict.
type canaryProbe struct {
	verdict string // "go", "pause" or "fail"
	host    *gateHost
	canary  []string

	mu       sync.Mutex
	calls    int
	problems []string
}

var errBake = errors.New("bake: error rate above 1%")

func (c *canaryProbe) afterCanary(_ context.Context, canary []string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if !slices.Equal(canary, c.canary) {
		c.problems = append(c.problems, fmt.Sprintf("called with %v, canary is %v", canary, c.canary))
	}
	if p := c.host.pendingHosts(); len(p) > 0 {
		c.problems = append(c.problems, fmt.Sprintf("called with steps in flight: %v", p))
	}
	if steps := c.host.steps(); len(steps) != len(c.canary) {
		c.problems = append(c.problems, fmt.Sprintf("called after %d steps, canary is %v", len(steps), c.canary))
	}
	switch c.verdict {
	case "pause":
		return fmt.Errorf("%w until resumed", plan.ErrPaused)
	case "fail":
		return errBake
	}
	return nil
}

// stopped: AfterCanary was called and stopped the run.
func (c *canaryProbe) stopped() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls > 0 && (c.verdict == "pause" || c.verdict == "fail")
}

// called counts the calls of AfterCanary.
func (c *canaryProbe) called() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

// count counts the Apply calls of one kind so far.
func (m *runModel) count(k plan.StepKind) int {
	n := 0
	for _, s := range m.host.steps() {
		if s.Kind == k {
			n++
		}
	}
	return n
}

// calledHosts lists the hosts Apply got steps of kind k for, in order.
func (m *runModel) calledHosts(k plan.StepKind) []string {
	var hosts []string
	for _, s := range m.host.steps() {
		if s.Kind == k {
			hosts = append(hosts, s.Host)
		}
	}
	return hosts
}

// checkResult checks a finished run against the model.
func (m *runModel) checkResult(t *rapid.T, res plan.Result) {
	if n := m.host.inPlace.max.Load(); n > int64(m.plan.Window) {
		t.Fatalf("%d in-place steps in flight at once, window %d", n, m.plan.Window)
	}
	if n := m.host.surge.max.Load(); n > int64(m.plan.SurgeWindow) {
		t.Fatalf("%d surge steps in flight at once, surge window %d", n, m.plan.SurgeWindow)
	}
	for _, c := range m.host.calls {
		if c.ctxErr != nil {
			t.Fatalf("%s got a cancelled context: %v", c.step.Host, c.ctxErr)
		}
		if want := m.modeOf(c.step.Host); c.step.Mode != want {
			t.Fatalf("%s %s in mode %s, planned %s", c.step.Kind, c.step.Host, c.step.Mode, want)
		}
	}
	m.checkHosts(t, res)
	m.checkBudget(t, res)
	m.checkCanary(t, res)
	m.checkRollback(t, res)
	m.obs.check(t, res)
}

// modeOf is the planned mode of host.
func (m *runModel) modeOf(host string) plan.Mode {
	for _, h := range m.updates {
		if h.Host == host {
			return h.Mode
		}
	}
	return ""
}

// checkCanary: every canary host finished before any other host started;
// AfterCanary was called exactly when the canary finished within budget,
// nobody interrupted first, and hosts remained.
func (m *runModel) checkCanary(t *rapid.T, res plan.Result) {
	if len(m.probe.problems) > 0 {
		t.Fatalf("AfterCanary: %v", m.probe.problems)
	}
	finished := map[string]bool{}
	for _, ev := range m.obs.events {
		switch {
		case ev.Kind != plan.StepActivate:
		case ev.To == plan.StateDone || ev.To == plan.StateFailed:
			finished[ev.Host] = true
		case ev.To == plan.StateActive && !slices.Contains(m.plan.Canary, ev.Host):
			for _, c := range m.plan.Canary {
				if !finished[c] {
					t.Fatalf("%s started before canary host %s finished", ev.Host, c)
				}
			}
		}
	}
	canaryFailures := 0
	for _, h := range res.Hosts {
		if h.Err != nil && slices.Contains(m.plan.Canary, h.Host) {
			canaryFailures++
		}
	}
	n := len(m.plan.Canary)
	wantCall := m.probe.verdict != "" && n > 0 && n < len(m.updates) && !m.cancelBeforeBake && canaryFailures <= m.plan.Budget
	if got := m.probe.called(); got > 1 || (got == 1) != wantCall {
		t.Fatalf("AfterCanary called %d times, want call: %v (canary %v, %d failed, cancelled before %v)",
			got, wantCall, m.plan.Canary, canaryFailures, m.cancelBeforeBake)
	}
	m.checkVerdict(t, res, wantCall)
}

// checkVerdict: a pause stops the run after the canary with nothing
// rolled back; a failed bake halts it with ErrCanaryFailed.
func (m *runModel) checkVerdict(t *rapid.T, res plan.Result, called bool) {
	paused := called && m.probe.verdict == "pause"
	baked := called && m.probe.verdict == "fail"
	err := res.Err()
	switch {
	case res.Paused != paused:
		t.Fatalf("paused = %v, want %v", res.Paused, paused)
	case paused && (res.Halted || res.Rollback != nil || !errors.Is(err, plan.ErrPaused)):
		t.Fatalf("paused run: halted %v, rollback %v, err %v", res.Halted, res.Rollback, err)
	case baked && (!res.Halted || !errors.Is(err, plan.ErrCanaryFailed) || !errors.Is(err, errBake)):
		t.Fatalf("failed bake: halted %v, err %v", res.Halted, err)
	case (paused || baked) && m.count(plan.StepActivate) != len(m.plan.Canary):
		t.Fatalf("the run went on past a %s verdict: %v", m.probe.verdict, m.calledHosts(plan.StepActivate))
	}
}

// checkHosts: every host ends in a terminal state; skipped hosts never
// reach Apply; activations start in plan order, once per host, and are
// exactly the hosts the result reports as changed.
func (m *runModel) checkHosts(t *rapid.T, res plan.Result) {
	if len(res.Hosts) != len(m.plan.Hosts) {
		t.Fatalf("%d results for %d hosts", len(res.Hosts), len(m.plan.Hosts))
	}
	var updates []string
	for i, h := range res.Hosts {
		hp := m.plan.Hosts[i]
		if h.Host != hp.Host || !h.State.Terminal() {
			t.Fatalf("result %d is %s in state %s, plan has %s", i, h.Host, h.State, hp.Host)
		}
		if (hp.Action == plan.ActionSkip) != (h.State == plan.StateSkipped) {
			t.Fatalf("%s: action %s, state %s", h.Host, hp.Action, h.State)
		}
		if hp.Action == plan.ActionUpdate {
			updates = append(updates, hp.Host)
		}
	}
	activated := m.calledHosts(plan.StepActivate)
	started := m.obs.activeInOrder(plan.StepActivate)
	if !slices.Equal(started, updates[:len(started)]) {
		t.Fatalf("hosts started as %v, plan order is %v", started, updates)
	}
	slices.Sort(activated)
	changed := slices.Sorted(slices.Values(res.Changed()))
	if !slices.Equal(activated, changed) {
		t.Fatalf("Apply activated %v, result says changed %v", activated, changed)
	}
	if len(slices.Compact(slices.Clone(activated))) != len(activated) {
		t.Fatalf("a host was activated twice: %v", activated)
	}
}

// checkBudget: once failures exceed the budget no new host starts, so at
// most the pools' other steps were still in flight to fail as well:
// failures <= Budget + Window + SurgeWindow. Halted means exactly
// failures > Budget, or a failed bake.
func (m *runModel) checkBudget(t *rapid.T, res plan.Result) {
	failures := 0
	notStarted := 0
	for _, h := range res.Hosts {
		if h.Err != nil {
			failures++
		}
		if h.State == plan.StateNotStarted {
			notStarted++
		}
	}
	p := m.plan
	switch {
	case m.startedAtHalt >= 0 && len(m.calledHosts(plan.StepActivate)) != m.startedAtHalt:
		t.Fatalf("a host started after the failure budget was exceeded: %v", m.calledHosts(plan.StepActivate))
	case failures != m.failures:
		t.Fatalf("result has %d failures, the host failed %d", failures, m.failures)
	case failures > p.Budget+max(p.Window, 1)+max(p.SurgeWindow, 1):
		t.Fatalf("%d failures with budget %d and pools %d + %d", failures, p.Budget, p.Window, p.SurgeWindow)
	case res.Halted != (failures > p.Budget || (res.CanaryErr != nil && !res.Paused)):
		t.Fatalf("halted = %v with %d failures, budget %d, canary error %v", res.Halted, failures, p.Budget, res.CanaryErr)
	case notStarted > 0 && !res.Halted && !res.Paused && !m.cancelled:
		t.Fatalf("%d hosts not started, but the run neither halted, paused nor was cancelled", notStarted)
	case res.Interrupted && !m.cancelled:
		t.Fatal("interrupted without a cancel")
	case m.cancelStopped && !res.Interrupted:
		t.Fatal("cancelled with hosts left to start, but not interrupted")
	}
}

// checkRollback: an auto-rollback runs exactly when the run halted, the
// strategy asks for it and no cancel came first; it reverts exactly the
// hosts that were activated, failed ones first, and its outcome shows in
// the rollout's own host states.
func (m *runModel) checkRollback(t *rapid.T, res plan.Result) {
	reverted := m.calledHosts(plan.StepRevert)
	wantRollback := res.Halted && m.plan.Strategy.AutoRollback && !m.cancelInRollout
	if (res.Rollback != nil) != wantRollback {
		t.Fatalf("rollback ran: %v, want %v (halted %v, auto %v, cancelled in rollout %v)",
			res.Rollback != nil, wantRollback, res.Halted, m.plan.Strategy.AutoRollback, m.cancelInRollout)
	}
	if res.Rollback == nil {
		if len(reverted) > 0 {
			t.Fatalf("reverted %v without a rollback result", reverted)
		}
		return
	}
	rb := res.Rollback
	activated := m.calledHosts(plan.StepActivate)
	for i, h := range reverted {
		if !slices.Contains(activated, h) || slices.Contains(reverted[:i], h) {
			t.Fatalf("reverted %v, activated only %v", reverted, activated)
		}
	}
	if len(rb.Hosts) != len(res.Changed()) {
		t.Fatalf("rollback covers %d hosts, the run changed %d", len(rb.Hosts), len(res.Changed()))
	}
	byHost := map[string]plan.HostResult{}
	for _, h := range res.Hosts {
		byHost[h.Host] = h
	}
	okSeen := false
	for _, h := range m.obs.activeInOrder(plan.StepRevert) {
		failedFirst := byHost[h].Err != nil
		if failedFirst && okSeen {
			t.Fatalf("failed host %s reverted after a healthy one", h)
		}
		okSeen = okSeen || !failedFirst
	}
	want := map[plan.State]plan.State{plan.StateDone: plan.StateRolledBack, plan.StateFailed: plan.StateRollbackFailed}
	for _, h := range rb.Hosts {
		top := byHost[h.Host]
		if s, ok := want[h.State]; ok && top.State != s {
			t.Fatalf("%s: rollback %s, rollout result says %s", h.Host, h.State, top.State)
		}
	}
}

// checkedObserver records events and catches concurrent calls.
type checkedObserver struct {
	busy       atomic.Int32
	concurrent atomic.Bool
	mu         sync.Mutex
	events     []plan.Event
}

func (o *checkedObserver) observe(ev plan.Event) {
	if o.busy.Add(1) != 1 {
		o.concurrent.Store(true)
	}
	defer o.busy.Add(-1)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, ev)
}

// activeInOrder lists the hosts that went active for steps of kind k, in
// event order.
func (o *checkedObserver) activeInOrder(k plan.StepKind) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var hosts []string
	for _, ev := range o.events {
		if ev.Kind == k && ev.To == plan.StateActive {
			hosts = append(hosts, ev.Host)
		}
	}
	return hosts
}

// legal lists, per step kind, the state changes Run may make (see State).
// The undo kinds appear twice: their own run's machine (from Pending) and
// the final move of the host they undid.
var legal = map[plan.StepKind]map[plan.State][]plan.State{
	plan.StepActivate: {
		plan.StatePending: {plan.StateActive, plan.StateSkipped, plan.StateNotStarted},
		plan.StateActive:  {plan.StateDone, plan.StateFailed},
	},
	plan.StepRevert: {
		plan.StatePending: {plan.StateActive, plan.StateNotStarted},
		plan.StateActive:  {plan.StateDone, plan.StateFailed},
		plan.StateDone:    {plan.StateRolledBack, plan.StateRollbackFailed},
		plan.StateFailed:  {plan.StateRolledBack, plan.StateRollbackFailed},
	},
	plan.StepPrepare: {
		plan.StatePending: {plan.StateActive, plan.StateSkipped, plan.StateNotStarted},
		plan.StateActive:  {plan.StatePrepared, plan.StateFailed},
	},
	plan.StepCutover: {
		plan.StatePrepared: {plan.StateActive},
		plan.StateActive:   {plan.StateSwitched, plan.StateFailed},
	},
	plan.StepRetire: {
		plan.StateSwitched: {plan.StateActive},
		plan.StateActive:   {plan.StateDone},
	},
	plan.StepDiscard: {
		plan.StatePending:  {plan.StateActive},
		plan.StateActive:   {plan.StateDone, plan.StateFailed},
		plan.StatePrepared: {plan.StateRolledBack, plan.StateRollbackFailed},
		plan.StateFailed:   {plan.StateRolledBack, plan.StateRollbackFailed},
	},
	plan.StepUncut: {
		plan.StatePending:  {plan.StateActive},
		plan.StateActive:   {plan.StateDone, plan.StateFailed},
		plan.StateSwitched: {plan.StateRolledBack, plan.StateRollbackFailed},
		plan.StateFailed:   {plan.StateRolledBack, plan.StateRollbackFailed},
	},
}

// undoKinds are the steps an undo runs as its own plan.
var undoKinds = []plan.StepKind{plan.StepRevert, plan.StepDiscard, plan.StepUncut}

// check: the observer was never called concurrently, every event is a
// legal change from the host's previous state, and each host's last
// event leaves it where the result says. An undo's own run (the
// auto-rollback, the discard, the uncut) reports its steps as a second
// machine per host; its final move (to RolledBack or RollbackFailed) is
// the host's own.
func (o *checkedObserver) check(t *rapid.T, res plan.Result) {
	if o.concurrent.Load() {
		t.Fatal("observer called concurrently")
	}
	type machine struct {
		host string
		undo bool
	}
	state := map[machine]plan.State{}
	for _, ev := range o.events {
		final := ev.To == plan.StateRolledBack || ev.To == plan.StateRollbackFailed
		key := machine{ev.Host, slices.Contains(undoKinds, ev.Kind) && !final}
		from, ok := state[key]
		if !ok {
			from = plan.StatePending
		}
		if ev.From != from || !slices.Contains(legal[ev.Kind][from], ev.To) {
			t.Fatalf("illegal %s event for %s: %s -> %s (host was %s)", ev.Kind, ev.Host, ev.From, ev.To, from)
		}
		state[key] = ev.To
	}
	for _, h := range res.Hosts {
		if got := state[machine{h.Host, false}]; got != h.State {
			t.Fatalf("%s: last event says %s, result says %s", h.Host, got, h.State)
		}
	}
}
