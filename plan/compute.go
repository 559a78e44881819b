package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Target is one host and the versions involved.
type Target struct {
	Host  string
	From  string // version active on the host now; "" = none
	To    string // desired version
	Surge bool   // the host has two slots, so it can run the new version beside the old one
	// Slots names the host's two slots when it has them: the one serving
	// and the idle one. Compute does not read them; it hands them to the
	// host's steps (Step.Slot, Step.Serving).
	Slots Slots
	// Unsettled: the host already runs To but never passed the gate with it
	// (a controller died mid-gate): it gets its step again, so a re-run
	// converges to a verified fleet instead of skipping it.
	Unsettled bool
}

// changes reports whether the target needs its step.
func (t Target) changes() bool { return t.From != t.To || t.Unsettled }

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
	// Mode is how the host changes: ModeSurge or ModeInPlace for
	// ActionUpdate, "" for ActionSkip.
	Mode   Mode
	Wave   int // 1-based wave for ActionUpdate; 0 for ActionSkip
	Reason string
	// Slots are the target's, for the host's steps; in a rollback plan,
	// the ones its revert acts on.
	Slots Slots
}

// Plan is what Run executes, and what dry-run prints.
type Plan struct {
	Kind     Kind
	Strategy Strategy
	// Hosts lists every target exactly once, in execution order.
	Hosts []HostPlan
	// Waves groups the hosts to update for a reader who thinks in
	// batches: in plan order, a wave closes when the next host's pool
	// (Window for in-place hosts, SurgeWindow for surge hosts) is full.
	// With a canary, wave 1 is exactly the canary, whatever its size. Run
	// does not wait for a wave to finish (except the canary): it slides,
	// starting the next host as soon as its pool has room.
	Waves [][]string
	// Window is MaxUnavailable resolved: the most in-place hosts out of
	// service at once. It is 0 only when every changing host surges.
	Window int
	// SurgeWindow is MaxSurge resolved: the most surge hosts in flight at
	// once, each running one extra instance. For blue/green it bounds the
	// prepares in flight.
	SurgeWindow int
	// Budget is MaxFailures resolved: Run halts once more hosts than this fail.
	Budget int
	// Canary lists the canary hosts: the first Strategy.Canary hosts to
	// update, in plan order (nil without a canary).
	Canary []string
}

// Compute builds the plan for moving targets to their To versions.
//
// It is pure and deterministic: hosts are sorted by name, so any
// permutation of the same targets gives the same plan. MaxUnavailable
// and MaxSurge percentages are of all targets, skipped ones included,
// since those stay in service; MaxFailures and Canary percentages are of
// the hosts being changed.
//
// A changing host goes ModeSurge when its target has slots and MaxSurge
// resolves above 0, otherwise ModeInPlace. When MaxUnavailable resolves
// to 0, or with a kind that needs it (StrategyBlueGreen), every changing
// host must surge: Compute names those that cannot (ErrNoSlot). A
// Strategy.Kind it does not know is refused (ErrInvalidStrategy).
func Compute(kind Kind, targets []Target, s Strategy) (Plan, error) {
	if kind != KindRollout && kind != KindRollback {
		return Plan{}, fmt.Errorf("unknown plan kind %q", kind)
	}
	if err := s.Validate(); err != nil {
		return Plan{}, err
	}
	k, _ := kindRules(s.Kind) // Validate refused an unknown kind
	sorted := slices.SortedFunc(slices.Values(targets), func(a, b Target) int {
		return strings.Compare(a.Host, b.Host)
	})
	if err := checkTargets(kind, sorted); err != nil {
		return Plan{}, err
	}
	window, surge := s.windows(len(sorted))
	lines := make([]line, len(sorted))
	// The hosts going in place. When every host must surge, surge is
	// above 0 (Validate, rounding up), so these are the ones without slots.
	var inPlace []string
	for i, t := range sorted {
		lines[i] = line{Target: t}
		if !t.changes() {
			continue
		}
		lines[i].mode = ModeInPlace
		if t.Surge && surge > 0 {
			lines[i].mode = ModeSurge
		} else {
			inPlace = append(inPlace, t.Host)
		}
	}
	if err := checkSlots(s, k, window, len(sorted), inPlace); err != nil {
		return Plan{}, err
	}
	changes := countChanges(lines)
	l := layout{
		window: window, surge: surge,
		budget: s.MaxFailures.Resolve(changes, false),
		canary: s.canarySize(changes),
	}
	return assemble(kind, s, lines, l, k.reason(kind, s, l, len(sorted), changes)), nil
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

// checkSlots refuses a strategy that needs every changing host to surge
// (its kind k does, or window is 0) when some (slotless, in plan order)
// cannot.
func checkSlots(s Strategy, k rules, window, total int, slotless []string) error {
	switch {
	case len(slotless) == 0:
		return nil
	case k.allSurge:
		return fmt.Errorf("%w: %s needs two slots on every host it changes; %s", ErrNoSlot, k.slotless, noSlotList(slotless))
	case window == 0:
		return fmt.Errorf("%w: maxUnavailable=%s lets no host out of service, so every changing host must surge; %s",
			ErrNoSlot, describeWindow(s.MaxUnavailable, window, total), noSlotList(slotless))
	}
	return nil
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
