package plan_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"pgregory.net/rapid"

	"github.com/fleetdeploy/fleet/plan"
)

// genTargets draws up to maxHosts targets with distinct host names, in
// random order, some of them already on their desired version, some with
// two slots.
func genTargets(t *rapid.T, maxHosts int) []plan.Target {
	names := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z]{1,3}[0-9]?`), 0, maxHosts, rapid.ID[string]).Draw(t, "hosts")
	from := rapid.SampledFrom([]string{"", "v1", "v2"})
	to := rapid.SampledFrom([]string{"v1", "v2"})
	ts := make([]plan.Target, len(names))
	for i, n := range names {
		ts[i] = plan.Target{Host: n, From: from.Draw(t, "from"), To: to.Draw(t, "to"), Surge: rapid.Bool().Draw(t, "slots")}
		if ts[i].Surge {
			ts[i].Slots = genSlots(t)
		}
	}
	return ts
}

// genSlots draws a host's slot names: blue or green serving, or none yet
// (a first deploy), and the other one idle.
func genSlots(t *rapid.T) plan.Slots {
	switch rapid.SampledFrom([]string{"", "blue", "green"}).Draw(t, "serving") {
	case "blue":
		return plan.Slots{Serving: "blue", Idle: "green"}
	case "green":
		return plan.Slots{Serving: "green", Idle: "blue"}
	}
	return plan.Slots{Idle: "blue"}
}

// genKind draws a strategy kind: mostly rolling (named or the zero
// value), blue/green one time in five, and now and then one plan does
// not know.
func genKind(t *rapid.T) plan.StrategyKind {
	return rapid.SampledFrom([]plan.StrategyKind{
		"", "", "", plan.StrategyRolling, plan.StrategyRolling, plan.StrategyRolling,
		plan.StrategyBlueGreen, plan.StrategyBlueGreen, "weighted-steps", "Rolling",
	}).Draw(t, "kind")
}

// genLimit draws a count in [lo, hiCount] or a percentage in [lo, 100].
func genLimit(t *rapid.T, label string, lo, hiCount int) plan.IntOrPercent {
	if rapid.Bool().Draw(t, label+" is percent") {
		return plan.IntOrPercent{Value: rapid.IntRange(lo, 100).Draw(t, label), Percent: true}
	}
	return plan.IntOrPercent{Value: rapid.IntRange(lo, hiCount).Draw(t, label)}
}

// maybe draws a limit one time in every n, else returns 0.
func maybe(t *rapid.T, label string, n, hiCount int) plan.IntOrPercent {
	if rapid.IntRange(0, n-1).Draw(t, "with "+label) != 0 {
		return plan.IntOrPercent{}
	}
	return genLimit(t, label, 0, hiCount)
}

// genStrategy draws any strategy within range, including ones Compute
// must refuse (an unknown kind, both limits zero, blue/green misused, or
// a need for surge on hosts without slots).
func genStrategy(t *rapid.T) plan.Strategy {
	return plan.Strategy{
		MaxUnavailable: genLimit(t, "maxUnavailable", 0, 6),
		MaxFailures:    genLimit(t, "maxFailures", 0, 4),
		AutoRollback:   rapid.Bool().Draw(t, "autoRollback"),
		MaxSurge:       maybe(t, "maxSurge", 2, 3),
		Canary:         maybe(t, "canary", 3, 4),
		Kind:           genKind(t),
	}
}

// genRunnablePlan draws a rolling plan Compute accepts: random limits,
// slots and canary; when the strategy lets no host out of service, every
// target gets slots.
func genRunnablePlan(t *rapid.T, maxHosts int) plan.Plan {
	targets := genTargets(t, maxHosts)
	s := plan.Strategy{
		MaxUnavailable: genLimit(t, "maxUnavailable", 0, 5),
		MaxSurge:       maybe(t, "maxSurge", 2, 3),
		MaxFailures:    genLimit(t, "maxFailures", 0, 3),
		AutoRollback:   rapid.Bool().Draw(t, "autoRollback"),
		Canary:         maybe(t, "canary", 2, 4),
	}
	if s.MaxUnavailable.IsZero() && s.MaxSurge.IsZero() {
		s.MaxUnavailable = plan.IntOrPercent{Value: 1}
	}
	p, err := plan.Compute(plan.KindRollout, targets, s)
	if errors.Is(err, plan.ErrNoSlot) {
		p, err = plan.Compute(plan.KindRollout, allSlotted(targets), s)
	}
	if err != nil {
		t.Fatalf("Compute(%+v): %v", s, err)
	}
	return p
}

// windows is the spec's resolution of the two pools over total targets.
func windows(s plan.Strategy, total int) (window, surge int) {
	window, surge = s.MaxUnavailable.Resolve(total, false), s.MaxSurge.Resolve(total, true)
	if window == 0 && surge == 0 {
		window = 1 // a percentage rounded down to 0, with no surge: raised, as Kubernetes does
	}
	return window, surge
}

// expectedError is the sentinel Compute must return for targets and s,
// and for ErrNoSlot the hosts its message must name.
func expectedError(targets []plan.Target, s plan.Strategy) ([]string, error) {
	blueGreen := s.Kind == plan.StrategyBlueGreen
	known := blueGreen || s.Kind == plan.StrategyRolling || s.Kind == ""
	misusedBlueGreen := blueGreen && (s.MaxSurge.IsZero() || !s.MaxFailures.IsZero() || !s.Canary.IsZero())
	if !known || (s.MaxUnavailable.IsZero() && s.MaxSurge.IsZero()) || misusedBlueGreen {
		return nil, plan.ErrInvalidStrategy
	}
	window, surge := windows(s, len(targets))
	var slotless []string
	for _, tg := range targets {
		if tg.From != tg.To && !(tg.Surge && surge > 0) {
			slotless = append(slotless, tg.Host)
		}
	}
	if len(slotless) > 0 && (blueGreen || window == 0) {
		return slotless, plan.ErrNoSlot
	}
	return nil, nil
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
		if slotless, wantErr := expectedError(targets, s); wantErr != nil {
			if !errors.Is(err, wantErr) {
				t.Fatalf("err = %v, want %v", err, wantErr)
			}
			for _, h := range slotless {
				if !strings.Contains(err.Error(), h) {
					t.Fatalf("error %q does not name %s", err, h)
				}
			}
			return
		}
		if err != nil {
			t.Fatalf("Compute: %v", err)
		}
		checkResolved(t, p, targets, s)
		if err := planInvariants(p); err != nil {
			t.Fatal(err)
		}
		perm := rapid.Permutation(targets).Draw(t, "permutation")
		if q, err := plan.Compute(plan.KindRollout, perm, s); err != nil || !reflect.DeepEqual(p, q) {
			t.Fatalf("Compute depends on input order:\n%+v\n%+v (%v)", p, q, err)
		}
	})
}

// checkResolved checks the pools, budget, canary size and modes of p
// against the spec, and that every target appears exactly once.
func checkResolved(t *rapid.T, p plan.Plan, targets []plan.Target, s plan.Strategy) {
	window, surge := windows(s, len(targets))
	changes := p.Changes()
	canary := 0
	if !s.Canary.IsZero() && changes > 0 {
		canary = min(max(s.Canary.Resolve(changes, true), 1), changes)
	}
	switch {
	case p.Window != window || p.SurgeWindow != surge:
		t.Fatalf("window, surge window = %d, %d; want %d, %d", p.Window, p.SurgeWindow, window, surge)
	case p.Budget != s.MaxFailures.Resolve(changes, false):
		t.Fatalf("budget = %d, want %d", p.Budget, s.MaxFailures.Resolve(changes, false))
	case len(p.Canary) != canary:
		t.Fatalf("canary %v, want %d hosts", p.Canary, canary)
	case len(p.Hosts) != len(targets):
		t.Fatalf("%d hosts planned for %d targets", len(p.Hosts), len(targets))
	case p.Strategy.Kind != s.Kind:
		t.Fatalf("plan kind %q for strategy kind %q", p.Strategy.Kind, s.Kind)
	}
	byHost := map[string]plan.HostPlan{}
	for _, h := range p.Hosts {
		byHost[h.Host] = h
	}
	for _, tg := range targets {
		h, ok := byHost[tg.Host]
		want := plan.ModeInPlace
		if tg.Surge && surge > 0 {
			want = plan.ModeSurge
		}
		switch {
		case !ok:
			t.Fatalf("%s is not planned", tg.Host)
		case tg.From != tg.To && h.Mode != want:
			t.Fatalf("%s (slots %v, surge window %d) goes %s", tg.Host, tg.Surge, surge, h.Mode)
		case h.Action == plan.ActionUpdate && h.Slots != tg.Slots:
			t.Fatalf("%s plans slots %+v, its target has %+v", tg.Host, h.Slots, tg.Slots)
		}
	}
}

func TestComputeRollback_Properties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genRunnablePlan(t, 20)
		// A result as Run could leave it: each updated host done, failed
		// or never started, finishing in a random order.
		r := plan.Result{Kind: p.Kind, Halted: rapid.Bool().Draw(t, "halted")}
		order := rapid.Permutation(p.Hosts).Draw(t, "finish order")
		seq := map[string]int{}
		for i, h := range order {
			seq[h.Host] = i + 1
		}
		for _, h := range p.Hosts {
			hr := plan.HostResult{Host: h.Host, From: h.From, To: h.To, Mode: h.Mode, State: plan.StateSkipped}
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

// revertsSlots: the rollback line rb of a host planned as orig acts on
// the same slot in place, and surges back into the slot that served.
func revertsSlots(rb, orig plan.HostPlan) bool {
	if rb.Mode == plan.ModeSurge {
		return rb.Slots == plan.Slots{Serving: orig.Slots.Idle, Idle: orig.Slots.Serving}
	}
	return rb.Slots == orig.Slots
}

// checkRollbackPlan checks rb against the result r of running p: it
// touches exactly the hosts that started, failed ones first, each going
// back from To to From in the mode it went (in place on the same slot,
// a surge back into the slot that served), with p's pools and no
// halting.
func checkRollbackPlan(t *rapid.T, p plan.Plan, r plan.Result, rb plan.Plan) {
	byHost := map[string]plan.HostResult{}
	for _, h := range r.Hosts {
		byHost[h.Host] = h
	}
	planned := map[string]plan.HostPlan{}
	for _, h := range p.Hosts {
		planned[h.Host] = h
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
		case h.Mode != orig.Mode:
			t.Fatalf("rollback of %s goes %s, the run went %s", h.Host, h.Mode, orig.Mode)
		case !revertsSlots(h, planned[h.Host]):
			t.Fatalf("rollback of %s (%s) acts on slots %+v, the run on %+v", h.Host, h.Mode, h.Slots, planned[h.Host].Slots)
		case orig.State == plan.StateFailed && seenDone:
			t.Fatalf("failed host %s comes after a host that was fine: %+v", h.Host, rb.Hosts)
		}
		seenDone = seenDone || orig.State == plan.StateDone
	}
	s := rb.Strategy
	if rb.Kind != plan.KindRollback || s.AutoRollback || s.Kind != plan.StrategyRolling || !s.Canary.IsZero() || rb.Canary != nil {
		t.Fatalf("rollback kind %s, strategy %+v, canary %v", rb.Kind, s, rb.Canary)
	}
	if rb.Window != p.Window || rb.SurgeWindow != p.SurgeWindow || rb.Budget != len(rb.Hosts) {
		t.Fatalf("rollback window %d, surge window %d, budget %d; rollout %d, %d", rb.Window, rb.SurgeWindow, rb.Budget, p.Window, p.SurgeWindow)
	}
	if err := planInvariants(rb); err != nil {
		t.Fatal(err)
	}
}

// TestRun_Properties runs random rolling plans (mixed modes, canaries)
// against a gateHost inside a synctest bubble. At every quiet point
// (synctest.Wait) it checks the pools, picks which step in flight
// finishes next and whether it fails, and sometimes cancels the context;
// Options.AfterCanary goes on, pauses or fails the bake, as drawn. It
// checks the whole run at the end.
func TestRun_Properties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genRunnablePlan(t, 12)
		verdict := rapid.SampledFrom([]string{"", "go", "pause", "fail"}).Draw(t, "after canary")
		rapid.SyncTest(t, func(t *rapid.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			m := newRunModel(p, verdict)
			o := plan.Options{Observer: m.obs.observe}
			if verdict != "" {
				o.AfterCanary = m.probe.afterCanary
			}
			result := started(ctx, p, m.host, o)
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
	m.checkPools(t, pending, kind)

	if !m.cancelled && rapid.IntRange(0, 11).Draw(t, "cancel now") == 0 {
		cancel()
		m.cancelled = true
		m.cancelInRollout = kind == plan.StepActivate
		m.cancelStopped = m.toStart(kind) > 0 && !m.stoppedNow(kind)
		m.cancelBeforeBake = m.probe.called() == 0
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

// checkPools: no pool holds more steps than its size, the run started no
// host past a halt, and, unless the run is stopping or waiting on its
// canary, the next host to start is held back only by a full pool.
func (m *runModel) checkPools(t *rapid.T, pending []*call, kind plan.StepKind) {
	used := map[plan.Mode]int{}
	for _, c := range pending {
		used[c.step.Mode]++
	}
	size := map[plan.Mode]int{plan.ModeInPlace: max(m.plan.Window, 1), plan.ModeSurge: max(m.plan.SurgeWindow, 1)}
	if used[plan.ModeInPlace] > size[plan.ModeInPlace] || used[plan.ModeSurge] > size[plan.ModeSurge] {
		t.Fatalf("in flight: %d in place, %d surging; pools %v", used[plan.ModeInPlace], used[plan.ModeSurge], size)
	}
	if m.startedAtHalt >= 0 && m.count(plan.StepActivate) != m.startedAtHalt {
		t.Fatalf("a host started after the failure budget was exceeded: %v", m.calledHosts(plan.StepActivate))
	}
	if m.cancelled || m.toStart(kind) == 0 || m.stoppedNow(kind) {
		return
	}
	if kind == plan.StepRevert {
		if used[plan.ModeInPlace] < size[plan.ModeInPlace] && used[plan.ModeSurge] < size[plan.ModeSurge] {
			t.Fatalf("reverts left to start, and both pools have room: %v", m.host.pendingHosts())
		}
		return
	}
	started := m.count(plan.StepActivate)
	if started == len(m.plan.Canary) {
		return // the canary barrier: the rest waits for the canary to finish
	}
	next := m.updates[started]
	if used[next.Mode] != size[next.Mode] {
		t.Fatalf("%s (%s) waits, but its pool has room: %d of %d in flight", next.Host, next.Mode, used[next.Mode], size[next.Mode])
	}
}

// toStart counts the steps of kind not started yet.
func (m *runModel) toStart(kind plan.StepKind) int {
	if kind == plan.StepRevert {
		return m.count(plan.StepActivate) - m.count(plan.StepRevert)
	}
	return len(m.updates) - m.count(plan.StepActivate)
}

// stoppedNow: the run stopped starting activations (failure budget,
// failed bake or pause).
func (m *runModel) stoppedNow(kind plan.StepKind) bool {
	return kind == plan.StepActivate && (m.failures > m.plan.Budget || m.probe.stopped())
}
