package plan

import (
	"cmp"
	"fmt"
	"slices"
)

// ComputeRollback plans undoing what running p did, as recorded in r.
//
// It covers only the hosts the run changed (Result.Changed: their step
// started, so they may have switched); skipped and never-started hosts
// are left alone. Each host goes back from To to From, in the mode it
// went (a surge host surges back). Failed hosts come first, in the order
// they failed, because they are the ones out of service; then the rest,
// the most recently finished first.
//
// The rollback is rolling, even for a blue/green plan (whose Run undoes
// its own failures with StepDiscard and StepUncut): it keeps p's Strategy
// with AutoRollback and Canary off and Kind StrategyRolling, and p's Window and
// SurgeWindow, so it disrupts no more hosts at once than the rollout
// did, unless Strategy.RollbackMaxUnavailable sets a window of its own. Its Budget is the number of hosts: a rollback does not halt on its
// own failures, because stopping it halfway would leave more hosts on the
// version that just failed. A host that surged goes back into the slot
// that served (Slots.reverted).
func ComputeRollback(p Plan, r Result) (Plan, error) {
	if err := checkResult(p, r); err != nil {
		return Plan{}, err
	}
	return rollbackPlan(p, r), nil
}

// checkResult makes sure r came from running p.
func checkResult(p Plan, r Result) error {
	if r.Kind != p.Kind {
		return fmt.Errorf("%w: %s result for a %s plan", ErrResultMismatch, r.Kind, p.Kind)
	}
	if len(r.Hosts) != len(p.Hosts) {
		return fmt.Errorf("%w: %d hosts in the result, %d in the plan", ErrResultMismatch, len(r.Hosts), len(p.Hosts))
	}
	for i := range p.Hosts {
		if r.Hosts[i].Host != p.Hosts[i].Host {
			return fmt.Errorf("%w: host %d is %s in the result, %s in the plan", ErrResultMismatch, i, r.Hosts[i].Host, p.Hosts[i].Host)
		}
	}
	return nil
}

// rollbackPlan is ComputeRollback for a result known to match p.
func rollbackPlan(p Plan, r Result) Plan {
	var failed, done []int
	for i, h := range r.Hosts {
		switch h.State {
		case StateFailed, StateActive:
			if !h.Untouched {
				failed = append(failed, i)
			}
		case StateDone, StatePrepared, StateSwitched:
			done = append(done, i)
		}
	}
	slices.SortStableFunc(failed, func(a, b int) int {
		return cmp.Compare(r.Hosts[a].Seq, r.Hosts[b].Seq)
	})
	slices.SortFunc(done, func(a, b int) int {
		return cmp.Or(cmp.Compare(r.Hosts[b].Seq, r.Hosts[a].Seq), cmp.Compare(b, a))
	})
	lines := make([]line, 0, len(failed)+len(done))
	wasFailed := make(map[string]bool, len(failed))
	for _, i := range failed {
		wasFailed[r.Hosts[i].Host] = true
	}
	modes := [2]int{}
	for _, i := range slices.Concat(failed, done) {
		h, mode := r.Hosts[i], stepMode(p.Hosts[i].Mode)
		modes[poolOf(mode)]++
		lines = append(lines, line{Target: Target{Host: h.Host, From: h.To, To: h.From, Surge: mode == ModeSurge,
			Slots: p.Hosts[i].Slots.reverted(mode)}, mode: mode})
	}
	s := p.Strategy
	s.AutoRollback, s.Canary, s.Kind = false, IntOrPercent{}, StrategyRolling
	l := layout{window: p.rollbackWindow(), surge: p.SurgeWindow, budget: len(lines)}
	// A pool a plan built by hand left empty still runs its hosts, one at a time.
	if modes[poolInPlace] > 0 {
		l.window = max(l.window, 1)
	}
	if modes[poolSurge] > 0 {
		l.surge = max(l.surge, 1)
	}
	return assemble(KindRollback, s, lines, l, rollbackReason(r, wasFailed))
}

// rollbackWindow is the in-place window of p's rollback:
// Strategy.RollbackMaxUnavailable resolved against p's targets (at least
// 1) when set, else p.Window.
func (p Plan) rollbackWindow() int {
	if w := p.Strategy.RollbackMaxUnavailable; !w.IsZero() {
		return max(w.Resolve(len(p.Hosts), false), 1)
	}
	return p.Window
}

// undoPlan is the plan of a blue/green undo (StepDiscard or StepUncut) of
// the hosts idx of p: each goes back from To to From, all at once, in
// plan order, in one wave. Each keeps the slots it prepared: the undo
// steps act on the same pair.
func undoPlan(p Plan, idx []int, kind StepKind) Plan {
	lines := make([]line, len(idx))
	for k, i := range idx {
		h := p.Hosts[i]
		lines[k] = line{Target: Target{Host: h.Host, From: h.To, To: h.From, Surge: true, Slots: h.Slots}, mode: ModeSurge}
	}
	s := p.Strategy
	s.AutoRollback, s.Canary, s.Kind = false, IntOrPercent{}, StrategyRolling
	n := len(lines)
	return assemble(KindRollback, s, lines, layout{window: p.Window, surge: max(n, 1), budget: n}, undoPlanReason(kind, n))
}
