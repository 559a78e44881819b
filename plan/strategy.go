package plan

import (
	"errors"
	"fmt"
)

// Strategy holds the rollout limits as the user wrote them; Compute
// resolves them against the fleet into Plan.Window and Plan.Budget.
type Strategy struct {
	// MaxUnavailable is how many hosts may be out of service at once,
	// a count or a percentage of all targets rounded down. A percentage
	// that rounds down to 0 is raised to 1, as Kubernetes does when
	// MaxSurge is 0, so that "10%" of 3 hosts still makes progress.
	MaxUnavailable IntOrPercent
	// MaxSurge is reserved for slot-based surge (running the new version
	// next to the old one). It is validated and kept, but until surge is
	// implemented a strategy that needs it to make progress is refused
	// with ErrSurgeUnsupported.
	MaxSurge IntOrPercent
	// MaxFailures is the failure budget: a count, or a percentage of the
	// hosts being changed rounded down. Run halts once more hosts than
	// this have failed; the zero value halts on the first failure.
	MaxFailures IntOrPercent
	// AutoRollback makes Run roll back every host it changed when it
	// halts on the failure budget.
	AutoRollback bool
}

// Validate checks the limits that do not depend on the fleet's size.
// Every problem is reported, each wrapping ErrInvalidStrategy.
func (s Strategy) Validate() error {
	var errs []error
	for _, f := range []struct {
		name string
		v    IntOrPercent
	}{
		{"maxUnavailable", s.MaxUnavailable},
		{"maxSurge", s.MaxSurge},
		{"maxFailures", s.MaxFailures},
	} {
		if err := f.v.check(); err != nil {
			errs = append(errs, fmt.Errorf("%w: %s: %w", ErrInvalidStrategy, f.name, err))
		}
	}
	if s.MaxUnavailable.IsZero() && s.MaxSurge.IsZero() {
		errs = append(errs, fmt.Errorf("%w: maxUnavailable and maxSurge are both 0: no host could ever be updated", ErrInvalidStrategy))
	}
	return errors.Join(errs...)
}

// window resolves MaxUnavailable against total targets.
func (s Strategy) window(total int) (int, error) {
	if w := s.MaxUnavailable.Resolve(total, false); w > 0 {
		return w, nil
	}
	// Both limits literally zero is refused by Validate, so reaching here
	// with no surge means a percentage rounded down to 0 (or no targets):
	// Kubernetes raises that to 1 rather than never making progress.
	if s.MaxSurge.Resolve(total, true) == 0 {
		return 1, nil
	}
	return 0, fmt.Errorf("%w: maxUnavailable %s allows 0 of %d hosts out of service and maxSurge %s would need slot-based surge",
		ErrSurgeUnsupported, s.MaxUnavailable, total, s.MaxSurge)
}
