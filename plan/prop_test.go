package plan_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"testing/synctest"

	"pgregory.net/rapid"

	"github.com/fleetdeploy/fleet/plan"
)

// genTargets draws up to maxHosts targets with distinct host names, in
// random order, some of them already on their desired version.
func genTargets(t *rapid.T, maxHosts int) []plan.Target {
	names := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z]{1,3}[0-9]?`), 0, maxHosts, rapid.ID[string]).Draw(t, "hosts")
	from := rapid.SampledFrom([]string{"", "v1", "v2"})
	to := rapid.SampledFrom([]string{"v1", "v2"})
	ts := make([]plan.Target, len(names))
	for i, n := range names {
		ts[i] = plan.Target{Host: n, From: from.Draw(t, "from"), To: to.Draw(t, "to")}
	}
	return ts
}

// genLimit draws a count in [lo, hiCount] or a percentage in [lo, 100].
func genLimit(t *rapid.T, label string, lo, hiCount int) plan.IntOrPercent {
	if rapid.Bool().Draw(t, label+" is percent") {
		return plan.IntOrPercent{Value: rapid.IntRange(lo, 100).Draw(t, label), Percent: true}
	}
	return plan.IntOrPercent{Value: rapid.IntRange(lo, hiCount).Draw(t, label)}
}

// genStrategy draws any strategy within range, including ones Compute
// must refuse (both limits zero, or a need for surge).
func genStrategy(t *rapid.T) plan.Strategy {
	s := plan.Strategy{
		MaxUnavailable: genLimit(t, "maxUnavailable", 0, 6),
		MaxFailures:    genLimit(t, "maxFailures", 0, 4),
		AutoRollback:   rapid.Bool().Draw(t, "autoRollback"),
	}
	if rapid.IntRange(0, 3).Draw(t, "with surge") == 0 {
		s.MaxSurge = genLimit(t, "maxSurge", 0, 3)
	}
	return s
}

// genRunnableStrategy draws a strategy Compute always accepts.
func genRunnableStrategy(t *rapid.T) plan.Strategy {
	return plan.Strategy{
		MaxUnavailable: genLimit(t, "maxUnavailable", 1, 5),
		MaxFailures:    genLimit(t, "maxFailures", 0, 3),
		AutoRollback:   rapid.Bool().Draw(t, "autoRollback"),
	}
}

func TestCompute_Properties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		targets := genTargets(t, 30)
		s := genStrategy(t)
		input := slices.Clone(targets)
		p, err := plan.Compute(plan.KindRollout, targets, s)
		if !slices.Equal(input, targets) {
			t.Fatalf("Compute reordered its input")
		}
		n := len(targets)
		switch {
		case s.MaxUnavailable.IsZero() && s.MaxSurge.IsZero():
			if !errors.Is(err, plan.ErrInvalidStrategy) {
				t.Fatalf("both limits zero: err = %v, want ErrInvalidStrategy", err)
			}
			return
		case s.MaxUnavailable.Resolve(n, false) == 0 && s.MaxSurge.Resolve(n, true) > 0:
			if !errors.Is(err, plan.ErrSurgeUnsupported) {
				t.Fatalf("needs surge: err = %v, want ErrSurgeUnsupported", err)
			}
			return
		case err != nil:
			t.Fatalf("Compute: %v", err)
		}

		if want := max(s.MaxUnavailable.Resolve(n, false), 1); p.Window != want {
			t.Fatalf("window = %d, want %d", p.Window, want)
		}
		if want := s.MaxFailures.Resolve(p.Changes(), false); p.Budget != want {
			t.Fatalf("budget = %d, want %d", p.Budget, want)
		}
		// Every target appears exactly once, and nothing else does.
		seen := map[string]int{}
		for _, h := range p.Hosts {
			seen[h.Host]++
		}
		for _, tg := range targets {
			if seen[tg.Host] != 1 {
				t.Fatalf("%s appears %d times", tg.Host, seen[tg.Host])
			}
		}
		if len(p.Hosts) != n {
			t.Fatalf("%d hosts planned for %d targets", len(p.Hosts), n)
		}
		if err := planInvariants(p); err != nil { // includes: no wave exceeds Window
			t.Fatal(err)
		}
		perm := rapid.Permutation(targets).Draw(t, "permutation")
		if q, err := plan.Compute(plan.KindRollout, perm, s); err != nil || !reflect.DeepEqual(p, q) {
			t.Fatalf("Compute depends on input order:\n%+v\n%+v (%v)", p, q, err)
		}
	})
}

func TestComputeRollback_Properties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, err := plan.Compute(plan.KindRollout, genTargets(t, 20), genRunnableStrategy(t))
		if err != nil {
			t.Fatal(err)
		}
		// A result as Run could leave it: each updated host done, failed
		// or never started, finishing in a random order.
		r := plan.Result{Kind: p.Kind, Halted: rapid.Bool().Draw(t, "halted")}
		order := rapid.Permutation(p.Hosts).Draw(t, "finish order")
		seq := map[string]int{}
		for i, h := range order {
			seq[h.Host] = i + 1
		}
		for _, h := range p.Hosts {
			hr := plan.HostResult{Host: h.Host, From: h.From, To: h.To, State: plan.StateSkipped}
			if h.Action == plan.ActionUpdate {
				hr.State = rapid.SampledFrom([]plan.State{plan.StateDone, plan.StateFailed, plan.StateNotStarted}).Draw(t, "state")
			}
			if hr.State == plan.StateDone || hr.State == plan.StateFailed {
				hr.Seq = seq[h.Host]
			}
			r.Hosts = append(r.Hosts, hr)
		}
		rb, err := plan.ComputeRollback(p, r)
		if err != nil {
			t.Fatal(err)
		}
		checkRollbackPlan(t, p, r, rb)
	})
}

// checkRollbackPlan checks rb against the result r of running p: it
// touches exactly the hosts that started, failed ones first, each going
// back from To to From, with p's window and no halting.
func checkRollbackPlan(t *rapid.T, p plan.Plan, r plan.Result, rb plan.Plan) {
	byHost := map[string]plan.HostResult{}
	for _, h := range r.Hosts {
		byHost[h.Host] = h
	}
	if got, want := len(rb.Hosts), len(r.Changed()); got != want {
		t.Fatalf("rollback has %d hosts, the run changed %d", got, want)
	}
	seenDone := false
	for _, h := range rb.Hosts {
		orig, ok := byHost[h.Host]
		switch {
		case !ok || (orig.State != plan.StateDone && orig.State != plan.StateFailed):
			t.Fatalf("rollback touches %s, which is %s", h.Host, orig.State)
		case h.From != orig.To || h.To != orig.From || h.Action != plan.ActionUpdate:
			t.Fatalf("rollback of %s goes %q->%q (%s), run went %q->%q", h.Host, h.From, h.To, h.Action, orig.From, orig.To)
		case orig.State == plan.StateFailed && seenDone:
			t.Fatalf("failed host %s comes after a host that was fine: %+v", h.Host, rb.Hosts)
		}
		seenDone = seenDone || orig.State == plan.StateDone
	}
	if rb.Kind != plan.KindRollback || rb.Strategy.AutoRollback || rb.Window != p.Window || rb.Budget != len(rb.Hosts) {
		t.Fatalf("rollback kind %s, autoRollback %v, window %d, budget %d", rb.Kind, rb.Strategy.AutoRollback, rb.Window, rb.Budget)
	}
	if err := planInvariants(rb); err != nil {
		t.Fatal(err)
	}
}

// TestRun_Properties runs random plans against a gateHost inside a
// synctest bubble. At every quiet point (synctest.Wait) it picks which
// step in flight finishes next and whether it fails, and sometimes
// cancels the context; it checks the window at each point and the whole
// run at the end.
func TestRun_Properties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, err := plan.Compute(plan.KindRollout, genTargets(t, 12), genRunnableStrategy(t))
		if err != nil {
			t.Fatal(err)
		}
		rapid.SyncTest(t, func(t *rapid.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			m := &runModel{plan: p, obs: &checkedObserver{}, host: &gateHost{}, startedAtHalt: -1}
			result := started(ctx, p, m.host, plan.Options{Observer: m.obs.observe})
			for {
				synctest.Wait()
				select {
				case res := <-result:
					m.checkResult(t, res)
					return
				default:
				}
				m.step(t, cancel)
			}
		})
	})
}

// runModel follows a run from the outside, knowing only the plan and
// what the test told the host to do.
type runModel struct {
	plan plan.Plan
	obs  *checkedObserver
	host *gateHost

	failures        int  // activations the test failed
	cancelled       bool // the test cancelled the context
	cancelInRollout bool // ... while activations were in flight
	cancelStopped   bool // ... while hosts were left to start
	// startedAtHalt is how many activations had started when the test
	// failed the host that exceeded the budget; -1 until then.
	startedAtHalt int
}

// step checks the quiet point, then finishes one step in flight.
func (m *runModel) step(t *rapid.T, cancel context.CancelFunc) {
	pending := m.host.pending()
	if len(pending) == 0 {
		t.Fatalf("Run is blocked with nothing in flight")
	}
	kind := pending[0].step.Kind
	for _, c := range pending {
		if c.step.Kind != kind {
			t.Fatalf("activations and reverts in flight together: %v", m.host.pendingHosts())
		}
	}
	started, total := m.count(plan.StepActivate), m.plan.Changes()
	if kind == plan.StepRevert {
		started, total = m.count(plan.StepRevert), m.count(plan.StepActivate)
	}
	haltedNow := kind == plan.StepActivate && m.failures > m.plan.Budget
	if m.startedAtHalt >= 0 && m.count(plan.StepActivate) != m.startedAtHalt {
		t.Fatalf("a host started after the failure budget was exceeded: %v", m.calledHosts(plan.StepActivate))
	}
	if len(pending) > m.plan.Window {
		t.Fatalf("%d steps in flight, window %d", len(pending), m.plan.Window)
	}
	if started < total && !m.cancelled && !haltedNow && len(pending) != m.plan.Window {
		t.Fatalf("window not full: %d in flight, window %d, %d of %d %ss started",
			len(pending), m.plan.Window, started, total, kind)
	}

	if !m.cancelled && rapid.IntRange(0, 11).Draw(t, "cancel now") == 0 {
		cancel()
		m.cancelled = true
		m.cancelInRollout = kind == plan.StepActivate
		m.cancelStopped = started < total && !haltedNow
	}
	c := pending[rapid.IntRange(0, len(pending)-1).Draw(t, "finish")]
	var err error
	if rapid.IntRange(0, 3).Draw(t, "fail") == 0 {
		err = fmt.Errorf("%s %s: %w", c.step.Kind, c.step.Host, errUnhealthy)
		if c.step.Kind == plan.StepActivate {
			m.failures++
			if m.failures == m.plan.Budget+1 {
				m.startedAtHalt = m.count(plan.StepActivate)
			}
		}
	}
	m.host.finish(c, err)
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
