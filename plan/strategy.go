package plan

import (
	"errors"
	"fmt"
)

// Strategy holds the rollout's kind and limits as the user wrote them;
// Compute resolves the limits against the fleet into Plan.Window,
// Plan.SurgeWindow, Plan.Budget and Plan.Canary.
type Strategy struct {
	// Kind is how hosts move: StrategyRolling (the zero value) or
	// StrategyBlueGreen. Compute refuses a kind it does not know.
	Kind StrategyKind
	// MaxUnavailable is how many hosts updated in place may be out of
	// service at once, a count or a percentage of all targets rounded
	// down. When it rounds down to 0 and MaxSurge resolves to 0 too, it is
	// raised to 1, as Kubernetes does, so that "10%" of 3 hosts still
	// makes progress.
	MaxUnavailable IntOrPercent
	// MaxSurge is how many hosts may run one extra instance at once (the
	// new version in the idle slot beside the serving one), a count or a
	// percentage of all targets rounded up. Only hosts with two slots
	// (Target.Surge) can surge; with MaxSurge 0 every host goes in place.
	MaxSurge IntOrPercent
	// MaxFailures is the failure budget: a count, or a percentage of the
	// hosts being changed rounded down. Run halts once more hosts than
	// this have failed; the zero value halts on the first failure.
	MaxFailures IntOrPercent
	// AutoRollback makes Run roll back every host it changed when it
	// halts (failure budget exceeded, or the canary's bake failed).
	// Blue/green undoes its own failures whatever it says.
	AutoRollback bool
	// Canary is the size of a first wave that must finish, and pass
	// Options.AfterCanary, before any other host starts: a count, or a
	// percentage of the hosts being changed rounded up. Any non-zero
	// value is at least 1 host and at most all of them; 0 means none.
	Canary IntOrPercent
	// RollbackMaxUnavailable is the in-place window of a rollback of the
	// plan (ComputeRollback, Run's automatic rollback): a count, or a
	// percentage of all targets rounded down, at least 1; the zero value
	// keeps the plan's Window. A rollback returns to a version known to
	// work, so it may go wider than the rollout did.
	RollbackMaxUnavailable IntOrPercent
}

// Validate checks the kind, and the limits that do not depend on the
// fleet's size. Every problem is reported, each wrapping
// ErrInvalidStrategy.
func (s Strategy) Validate() error {
	k, ok := kindRules(s.Kind)
	if !ok {
		return unknownKind(s.Kind)
	}
	var errs []error
	for _, f := range []struct {
		name string
		v    IntOrPercent
	}{
		{"maxUnavailable", s.MaxUnavailable},
		{"maxSurge", s.MaxSurge},
		{"maxFailures", s.MaxFailures},
		{"canary", s.Canary},
		{"rollbackMaxUnavailable", s.RollbackMaxUnavailable},
	} {
		if err := f.v.check(); err != nil {
			errs = append(errs, fmt.Errorf("%w: %s: %w", ErrInvalidStrategy, f.name, err))
		}
	}
	if s.MaxUnavailable.IsZero() && s.MaxSurge.IsZero() {
		errs = append(errs, fmt.Errorf("%w: maxUnavailable and maxSurge are both 0: no host could ever be updated", ErrInvalidStrategy))
	}
	return errors.Join(append(errs, k.validate(s)...)...)
}

// validateBlueGreen lists what StrategyBlueGreen cannot be combined with:
// it prepares the new version in each host's idle slot (MaxSurge at a
// time), so it needs MaxSurge above 0; it is all or nothing, so
// MaxFailures is 0; and it switches every host in one step, so it takes
// no Canary. (It also needs a second slot on every changing host, which
// Compute checks against the targets.)
func (s Strategy) validateBlueGreen() []error {
	var errs []error
	if s.MaxSurge.IsZero() {
		errs = append(errs, fmt.Errorf("%w: blueGreen needs maxSurge above 0: it starts the new version beside the old one", ErrInvalidStrategy))
	}
	if !s.MaxFailures.IsZero() {
		errs = append(errs, fmt.Errorf("%w: blueGreen is all or nothing: maxFailures must be 0, not %s", ErrInvalidStrategy, s.MaxFailures))
	}
	if !s.Canary.IsZero() {
		errs = append(errs, fmt.Errorf("%w: blueGreen switches every host in one step: it takes no canary (%s)", ErrInvalidStrategy, s.Canary))
	}
	return errs
}

// windows resolves MaxUnavailable (rounded down) and MaxSurge (rounded
// up) against total targets. Both literally zero is refused by Validate,
// so both resolving to 0 means a percentage rounded down to 0 with no
// surge (or no targets): Kubernetes raises maxUnavailable to 1 rather
// than never making progress.
func (s Strategy) windows(total int) (window, surge int) {
	window = s.MaxUnavailable.Resolve(total, false)
	surge = s.MaxSurge.Resolve(total, true)
	if window == 0 && surge == 0 {
		window = 1
	}
	return window, surge
}

// canarySize resolves Canary against the number of hosts being changed:
// rounded up, at least 1 when set, at most changes.
func (s Strategy) canarySize(changes int) int {
	if s.Canary.IsZero() || changes == 0 {
		return 0
	}
	return min(max(s.Canary.Resolve(changes, true), 1), changes)
}
