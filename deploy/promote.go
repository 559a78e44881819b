package deploy

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetdeploy/fleet/plan"
)

// Promote finishes a rollout paused after its canary: it reads the paused
// version from the hosts (they must agree, and each must hold it) and
// rolls it out to the rest, rolling, with no new canary and no upload.
func Promote(ctx context.Context, o Options) (Record, error) {
	t := newTarget(o)
	t.rec = &Record{Command: "promote"}
	version, err := t.pendingVersion(ctx)
	if err != nil {
		return *t.rec, err
	}
	s := o.Strategy
	s.Kind = plan.StrategyRolling
	err = t.rollout(ctx, "promote", s, Canary{}, nil, version, false)
	return *t.rec, err
}

// pendingVersion is the version every selected host recorded as paused; the
// hosts must agree, and each must already hold that release.
func (t *target) pendingVersion(ctx context.Context) (string, error) {
	rows, err := t.collectStatus(ctx, false)
	if err != nil {
		return "", err
	}
	version := ""
	var errs []error
	for _, r := range rows {
		st := r.Status
		switch {
		case st.Pending == nil:
			errs = append(errs, &plan.HostError{Host: r.Host, Op: "promote", Err: errors.New("no paused rollout recorded")})
		case version != "" && st.Pending.Version != version:
			errs = append(errs, &plan.HostError{Host: r.Host, Op: "promote", Err: fmt.Errorf("paused on %s, others on %s", st.Pending.Version, version)})
		case !hasRelease(*st, st.Pending.Version):
			errs = append(errs, &plan.HostError{Host: r.Host, Op: "promote", Err: fmt.Errorf("release %s is not on this host", st.Pending.Version)})
		default:
			version = st.Pending.Version
		}
	}
	if len(errs) > 0 {
		return "", fmt.Errorf("nothing to promote: %w", errors.Join(errs...))
	}
	return version, nil
}
