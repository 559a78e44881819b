package plan

import (
	"cmp"
	"fmt"
	"slices"
)

// ComputeRollback plans undoing what running p did, as recorded in r.
//
// It covers only the hosts the run changed (Done or Failed: their step
// started, so they may have switched); skipped and never-started hosts
// are left alone. Each host goes back from To to From. Failed hosts come
// first, in the order they failed, because they are the ones out of
// service; then the rest, the most recently finished first.
//
// The rollback keeps p's Strategy (with AutoRollback off) and p's Window,
// so it disrupts no more hosts at once than the rollout did. Its Budget
// is the number of hosts: a rollback does not halt on its own failures,
// because stopping it halfway would leave more hosts on the version that
// just failed.
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
			failed = append(failed, i)
		case StateDone:
			done = append(done, i)
		}
	}
	slices.SortStableFunc(failed, func(a, b int) int {
		return cmp.Compare(r.Hosts[a].Seq, r.Hosts[b].Seq)
	})
	slices.SortFunc(done, func(a, b int) int {
		return cmp.Or(cmp.Compare(r.Hosts[b].Seq, r.Hosts[a].Seq), cmp.Compare(b, a))
	})
	targets := make([]Target, 0, len(failed)+len(done))
	wasFailed := make(map[string]bool, len(failed))
	for _, i := range failed {
		wasFailed[r.Hosts[i].Host] = true
	}
	for _, i := range slices.Concat(failed, done) {
		h := r.Hosts[i]
		targets = append(targets, Target{Host: h.Host, From: h.To, To: h.From})
	}
	why := "rollback requested"
	if r.Halted {
		why = "the rollout halted on its failure budget"
	}
	reason := func(t Target, wave, waves int) string {
		cause := "undo " + versionLabel(t.From) + ": " + why
		if wasFailed[t.Host] {
			cause = "activating " + versionLabel(t.From) + " failed"
		}
		return fmt.Sprintf("rollback wave %d/%d: %s", wave, waves, cause)
	}
	s := p.Strategy
	s.AutoRollback = false
	return assemble(KindRollback, s, targets, max(p.Window, 1), len(targets), reason)
}
