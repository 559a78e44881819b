package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Target is one host and the versions involved.
type Target struct {
	Host string
	From string // version active on the host now; "" = none
	To   string // desired version
}

// Action says whether a host needs its step.
type Action string

const (
	ActionUpdate Action = "update"
	ActionSkip   Action = "skip" // From == To: nothing to do, the host is not touched
)

// Kind says what a plan is for; it decides the StepKind Run applies.
type Kind string

const (
	KindRollout  Kind = "rollout"  // hosts get StepActivate
	KindRollback Kind = "rollback" // hosts get StepRevert
)

// HostPlan is one host's line in a plan.
type HostPlan struct {
	Host   string
	From   string
	To     string
	Action Action
	Wave   int // 1-based wave for ActionUpdate; 0 for ActionSkip
	Reason string
}

// Plan is what Run executes, and what dry-run prints.
type Plan struct {
	Kind     Kind
	Strategy Strategy
	// Hosts lists every target exactly once, in execution order.
	Hosts []HostPlan
	// Waves groups the hosts to update into chunks of Window, for a reader
	// who thinks in batches. Run does not wait for a wave to finish: it
	// slides, starting the next host as soon as any slot frees up.
	Waves [][]string
	// Window is MaxUnavailable resolved: the most hosts out of service at once.
	Window int
	// Budget is MaxFailures resolved: Run halts once more hosts than this fail.
	Budget int
}

// Compute builds the plan for moving targets to their To versions.
//
// It is pure and deterministic: hosts are sorted by name, so any
// permutation of the same targets gives the same plan. MaxUnavailable
// (and MaxSurge) percentages are of all targets, skipped ones included,
// since those stay in service; MaxFailures percentages are of the hosts
// being changed.
func Compute(kind Kind, targets []Target, s Strategy) (Plan, error) {
	if kind != KindRollout && kind != KindRollback {
		return Plan{}, fmt.Errorf("unknown plan kind %q", kind)
	}
	if err := s.Validate(); err != nil {
		return Plan{}, err
	}
	sorted := slices.SortedFunc(slices.Values(targets), func(a, b Target) int {
		return strings.Compare(a.Host, b.Host)
	})
	if err := checkTargets(kind, sorted); err != nil {
		return Plan{}, err
	}
	window, err := s.window(len(sorted))
	if err != nil {
		return Plan{}, err
	}
	changes := 0
	for _, t := range sorted {
		if t.From != t.To {
			changes++
		}
	}
	limit := describeWindow(s.MaxUnavailable, window, len(sorted))
	reason := func(_ Target, wave, waves int) string {
		return fmt.Sprintf("%swave %d/%d: maxUnavailable=%s", kindPrefix(kind), wave, waves, limit)
	}
	return assemble(kind, s, sorted, window, s.MaxFailures.Resolve(changes, false), reason), nil
}

// checkTargets reports every malformed or duplicate target in sorted,
// each duplicate name once.
func checkTargets(kind Kind, sorted []Target) error {
	var errs []error
	for i, t := range sorted {
		dup := i > 0 && sorted[i-1].Host == t.Host
		switch {
		case t.Host == "":
			errs = append(errs, fmt.Errorf("%w: a target (to %s) has no host name", ErrInvalidTarget, versionLabel(t.To)))
		case kind == KindRollout && t.To == "":
			errs = append(errs, fmt.Errorf("%w: host %s has no desired version", ErrInvalidTarget, t.Host))
		case dup && (i < 2 || sorted[i-2].Host != t.Host):
			errs = append(errs, fmt.Errorf("%w: %s is listed more than once", ErrDuplicateHost, t.Host))
		}
	}
	return errors.Join(errs...)
}

// reasonFunc words the Reason of a host to update, given its wave.
type reasonFunc func(t Target, wave, waves int) string

// assemble lays out ordered targets (already in execution order) into a
// Plan: actions, waves of window hosts, and reasons.
func assemble(kind Kind, s Strategy, ordered []Target, window, budget int, reason reasonFunc) Plan {
	p := Plan{Kind: kind, Strategy: s, Window: window, Budget: budget}
	updates := 0
	for _, t := range ordered {
		if t.From != t.To {
			updates++
		}
	}
	waves := (updates + window - 1) / window
	n := 0
	for _, t := range ordered {
		hp := HostPlan{Host: t.Host, From: t.From, To: t.To, Action: ActionSkip}
		if t.From == t.To {
			hp.Reason = "already on " + versionLabel(t.To)
			p.Hosts = append(p.Hosts, hp)
			continue
		}
		if n%window == 0 {
			p.Waves = append(p.Waves, make([]string, 0, min(window, updates-n)))
		}
		n++
		hp.Action, hp.Wave = ActionUpdate, len(p.Waves)
		hp.Reason = reason(t, hp.Wave, waves)
		p.Waves[hp.Wave-1] = append(p.Waves[hp.Wave-1], t.Host)
		p.Hosts = append(p.Hosts, hp)
	}
	return p
}

// Changes counts the hosts the plan updates.
func (p Plan) Changes() int {
	n := 0
	for _, h := range p.Hosts {
		if h.Action == ActionUpdate {
			n++
		}
	}
	return n
}
