package plan_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"

	"pgregory.net/rapid"

	"github.com/fleetdeploy/fleet/plan"
)

// TestRunBlueGreen_Properties runs random blue/green plans against a
// gateHost inside a synctest bubble, finishing one step in flight at
// every quiet point, failing some and sometimes cancelling. At every
// quiet point the phases do not overlap, prepares stay within the surge
// window (and fill it), no cutover starts before every prepare passed,
// and cutover, retire and undo run on all their hosts at once; at the end
// each host is where the phase that stopped the run leaves it.
func TestRunBlueGreen_Properties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := plan.Strategy{
			MaxUnavailable: genLimit(t, "maxUnavailable", 0, 3),
			MaxSurge:       genLimit(t, "maxSurge", 1, 4),
			AutoRollback:   rapid.Bool().Draw(t, "autoRollback"),
			Kind:           plan.StrategyBlueGreen,
		}
		p, err := plan.Compute(plan.KindRollout, allSlotted(genTargets(t, 10)), s)
		if err != nil {
			t.Fatalf("Compute: %v", err)
		}
		rapid.SyncTest(t, func(t *rapid.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			m := &bgModel{plan: p, host: &gateHost{}, obs: &checkedObserver{}, failed: map[plan.StepKind][]string{}}
			for _, h := range p.Hosts {
				if h.Action == plan.ActionUpdate {
					m.updates = append(m.updates, h.Host)
				}
			}
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

// bgModel follows a blue/green run from the outside.
type bgModel struct {
	plan    plan.Plan
	updates []string // hosts to update, in plan order
	host    *gateHost
	obs     *checkedObserver

	failed      map[plan.StepKind][]string // hosts whose step of that kind the test failed
	cancelledIn plan.StepKind              // the phase in flight when the test cancelled; "" if it did not
}

// step checks the quiet point, then finishes one step in flight.
func (m *bgModel) step(t *rapid.T, cancel context.CancelFunc) {
	pending := m.host.pending()
	if len(pending) == 0 {
		t.Fatalf("Run is blocked with nothing in flight")
	}
	kind := pending[0].step.Kind
	for _, c := range pending {
		if c.step.Kind != kind || c.step.Mode != plan.ModeSurge {
			t.Fatalf("in flight together: %s and %s %s (%s)", kind, c.step.Kind, c.step.Host, c.step.Mode)
		}
	}
	if err := m.checkPhase(kind, len(pending)); err != nil {
		t.Fatal(err)
	}
	if m.cancelledIn == "" && rapid.IntRange(0, 9).Draw(t, "cancel now") == 0 {
		cancel()
		m.cancelledIn = kind
	}
	c := pending[rapid.IntRange(0, len(pending)-1).Draw(t, "finish")]
	var err error
	if rapid.IntRange(0, 5).Draw(t, "fail") == 0 {
		err = fmt.Errorf("%s %s: %w", c.step.Kind, c.step.Host, errUnhealthy)
		m.failed[kind] = append(m.failed[kind], c.step.Host)
	}
	m.host.finish(c, err)
}

// checkPhase checks the steps of kind in flight (n of them) against what
// happened before.
func (m *bgModel) checkPhase(kind plan.StepKind, n int) error {
	all := len(m.updates)
	switch kind {
	case plan.StepPrepare:
		left := all - m.count(kind)
		if n > m.plan.SurgeWindow || (left > 0 && m.cancelledIn == "" && len(m.failed[kind]) == 0 && n != m.plan.SurgeWindow) {
			return fmt.Errorf("%d prepares in flight, surge window %d, %d left to start", n, m.plan.SurgeWindow, left)
		}
	case plan.StepCutover:
		if m.count(plan.StepPrepare) != all || len(m.failed[plan.StepPrepare]) > 0 || m.count(kind) != all {
			return fmt.Errorf("cutover with %d of %d prepared (failed %v), %d cutovers called",
				m.count(plan.StepPrepare), all, m.failed[plan.StepPrepare], m.count(kind))
		}
	case plan.StepRetire:
		if len(m.failed[plan.StepCutover]) > 0 || m.count(kind) != all {
			return fmt.Errorf("retire after failed cutovers %v, %d retires called", m.failed[plan.StepCutover], m.count(kind))
		}
	case plan.StepDiscard:
		prepared := slices.Sorted(slices.Values(m.calledHosts(plan.StepPrepare)))
		if len(m.failed[plan.StepPrepare]) == 0 || !slices.Equal(slices.Sorted(slices.Values(m.calledHosts(kind))), prepared) {
			return fmt.Errorf("discard of %v, prepared %v, failed %v", m.calledHosts(kind), prepared, m.failed[plan.StepPrepare])
		}
	case plan.StepUncut:
		if len(m.failed[plan.StepCutover]) == 0 || m.count(kind) != all {
			return fmt.Errorf("uncut of %v after failed cutovers %v", m.calledHosts(kind), m.failed[plan.StepCutover])
		}
	default:
		return fmt.Errorf("%s step in a blue/green run", kind)
	}
	return nil
}

func (m *bgModel) count(k plan.StepKind) int { return len(m.calledHosts(k)) }

func (m *bgModel) calledHosts(k plan.StepKind) []string {
	var hosts []string
	for _, s := range m.host.steps() {
		if s.Kind == k {
			hosts = append(hosts, s.Host)
		}
	}
	return hosts
}

// checkResult checks the finished run: the phases that ran, the hosts'
// final states, the flags and the error.
func (m *bgModel) checkResult(t *rapid.T, res plan.Result) {
	if n := m.host.prepare.max.Load(); n > int64(m.plan.SurgeWindow) {
		t.Fatalf("%d prepares in flight at once, surge window %d", n, m.plan.SurgeWindow)
	}
	prepared := m.obs.activeInOrder(plan.StepPrepare)
	if !slices.Equal(prepared, m.updates[:len(prepared)]) || len(prepared) != m.count(plan.StepPrepare) {
		t.Fatalf("prepared %v, plan order is %v", prepared, m.updates)
	}
	for _, c := range m.host.calls {
		if c.ctxErr != nil {
			t.Fatalf("%s got a cancelled context: %v", c.step.Host, c.ctxErr)
		}
	}
	last, undo := m.expected(prepared)
	for k, want := range map[plan.StepKind]bool{
		plan.StepCutover: last == plan.StepCutover || last == plan.StepRetire,
		plan.StepRetire:  last == plan.StepRetire,
		plan.StepDiscard: undo == plan.StepDiscard,
		plan.StepUncut:   undo == plan.StepUncut,
	} {
		if ran := m.count(k) > 0; ran != want {
			t.Fatalf("%s ran: %v; expected last phase %q, undo %q (failed %v, cancelled in %q)", k, ran, last, undo, m.failed, m.cancelledIn)
		}
	}
	m.checkStates(t, res, prepared, last, undo)
	failures := 0
	for _, hosts := range m.failed {
		failures += len(hosts)
	}
	halted := len(m.failed[plan.StepPrepare]) > 0 || len(m.failed[plan.StepCutover]) > 0
	interrupted := m.cancelledIn == plan.StepPrepare || m.cancelledIn == plan.StepCutover
	switch {
	case res.Halted != halted || res.Interrupted != interrupted:
		t.Fatalf("halted %v, interrupted %v; want %v, %v", res.Halted, res.Interrupted, halted, interrupted)
	case (res.Rollback != nil) != (undo != ""):
		t.Fatalf("rollback result %v, undo %q", res.Rollback, undo)
	case (res.Err() == nil) != (failures == 0 && !interrupted):
		t.Fatalf("Err() = %v with %d failures, interrupted %v", res.Err(), failures, interrupted)
	case halted && !interrupted && !errors.Is(res.Err(), plan.ErrBudgetExceeded):
		t.Fatalf("Err() = %v, want ErrBudgetExceeded", res.Err())
	}
	m.obs.check(t, res)
}

// expected says which phase ran last (cutover or retire; "" if none ran)
// and which undo ran ("" if none), from what the test did.
func (m *bgModel) expected(prepared []string) (last, undo plan.StepKind) {
	switch {
	case len(prepared) == 0:
		return "", ""
	case m.cancelledIn == plan.StepPrepare:
		return "", ""
	case len(m.failed[plan.StepPrepare]) > 0:
		return "", plan.StepDiscard
	case m.cancelledIn == plan.StepCutover:
		return plan.StepCutover, ""
	case len(m.failed[plan.StepCutover]) > 0:
		return plan.StepCutover, plan.StepUncut
	}
	return plan.StepRetire, ""
}

// checkStates checks each host's final state and error.
func (m *bgModel) checkStates(t *rapid.T, res plan.Result, prepared []string, last, undo plan.StepKind) {
	for _, h := range res.Hosts {
		if !slices.Contains(m.updates, h.Host) {
			if h.State != plan.StateSkipped {
				t.Fatalf("%s has nothing to do but is %s", h.Host, h.State)
			}
			continue
		}
		var want plan.State
		switch {
		case !slices.Contains(prepared, h.Host):
			want = plan.StateNotStarted
		case undo != "" && slices.Contains(m.failed[undo], h.Host):
			want = plan.StateRollbackFailed
		case undo != "":
			want = plan.StateRolledBack
		case last == "" && slices.Contains(m.failed[plan.StepPrepare], h.Host),
			last == plan.StepCutover && slices.Contains(m.failed[plan.StepCutover], h.Host):
			want = plan.StateFailed
		case last == "":
			want = plan.StatePrepared
		case last == plan.StepCutover:
			want = plan.StateSwitched
		default:
			want = plan.StateDone
		}
		if h.State != want {
			t.Fatalf("%s is %s, want %s (failed %v, cancelled in %q)", h.Host, h.State, want, m.failed, m.cancelledIn)
		}
		retireFailed := last == plan.StepRetire && slices.Contains(m.failed[plan.StepRetire], h.Host)
		if retireFailed && (h.Err == nil || h.LastStep != plan.StepRetire) {
			t.Fatalf("%s: retire failed, result has err %v, last step %s", h.Host, h.Err, h.LastStep)
		}
	}
}
