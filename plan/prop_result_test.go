package plan_test

import (
	"slices"
	"sync"
	"sync/atomic"

	"pgregory.net/rapid"

	"github.com/fleetdeploy/fleet/plan"
)

// checkResult checks a finished run against the model.
func (m *runModel) checkResult(t *rapid.T, res plan.Result) {
	if n := m.host.maxInFlight.Load(); n > int64(m.plan.Window) {
		t.Fatalf("%d Apply calls in flight at once, window %d", n, m.plan.Window)
	}
	for _, c := range m.host.calls {
		if c.ctxErr != nil {
			t.Fatalf("%s got a cancelled context: %v", c.step.Host, c.ctxErr)
		}
	}
	m.checkHosts(t, res)
	m.checkBudget(t, res)
	m.checkRollback(t, res)
	m.obs.check(t, res)
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
// most Window-1 other steps were still in flight to fail as well:
// failures <= Budget + Window. Halted means exactly failures > Budget.
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
	case failures > p.Budget+p.Window:
		t.Fatalf("%d failures with budget %d and window %d", failures, p.Budget, p.Window)
	case res.Halted != (failures > p.Budget):
		t.Fatalf("halted = %v with %d failures, budget %d", res.Halted, failures, p.Budget)
	case notStarted > 0 && !res.Halted && !m.cancelled:
		t.Fatalf("%d hosts not started, but the run neither halted nor was cancelled", notStarted)
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

// legal lists the state changes Run may make (see State).
var legal = map[plan.State][]plan.State{
	plan.StatePending: {plan.StateActive, plan.StateSkipped, plan.StateNotStarted},
	plan.StateActive:  {plan.StateDone, plan.StateFailed},
	plan.StateDone:    {plan.StateRolledBack, plan.StateRollbackFailed},
	plan.StateFailed:  {plan.StateRolledBack, plan.StateRollbackFailed},
}

// check: the observer was never called concurrently, every event is a
// legal change from the host's previous state, and each host's last
// event leaves it where the result says. The auto-rollback's own run
// reports its steps as a second, revert-kind machine per host.
func (o *checkedObserver) check(t *rapid.T, res plan.Result) {
	if o.concurrent.Load() {
		t.Fatal("observer called concurrently")
	}
	type machine struct {
		host   string
		revert bool
	}
	state := map[machine]plan.State{}
	for _, ev := range o.events {
		final := ev.To == plan.StateRolledBack || ev.To == plan.StateRollbackFailed
		key := machine{ev.Host, ev.Kind == plan.StepRevert && !final}
		from, ok := state[key]
		if !ok {
			from = plan.StatePending
		}
		if ev.From != from || !slices.Contains(legal[from], ev.To) {
			t.Fatalf("illegal event for %s: %s -> %s (host was %s)", ev.Host, ev.From, ev.To, from)
		}
		state[key] = ev.To
	}
	for _, h := range res.Hosts {
		if got := state[machine{h.Host, false}]; got != h.State {
			t.Fatalf("%s: last event says %s, result says %s", h.Host, got, h.State)
		}
	}
}
