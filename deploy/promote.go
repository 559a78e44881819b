package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/provenance"
)

// Promote finishes a rollout paused after its canary: it reads the paused
// version from the hosts (they must agree, and each must hold it) and
// rolls it out to the rest, rolling, with no new canary and no upload.
func Promote(ctx context.Context, o Options) (Record, error) {
	t := newTarget(o)
	t.rec = &Record{Command: "promote", ChangeNote: t.changeNote}
	version, prov, err := t.pendingVersion(ctx)
	if err != nil {
		return *t.rec, err
	}
	t.rec.Provenance = prov
	s := o.Strategy
	s.Kind = plan.StrategyRolling
	err = t.rollout(ctx, "promote", s, Canary{}, nil, version, false)
	return *t.rec, err
}

// pendingVersion is the version every selected host recorded as paused,
// and its provenance as a host's release.json has it (nil when none
// says); the hosts must agree, and each must already hold that release.
func (t *target) pendingVersion(ctx context.Context) (string, *provenance.Provenance, error) {
	rows, err := t.collectStatus(ctx, false)
	if err != nil {
		return "", nil, err
	}
	version := ""
	var prov *provenance.Provenance
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
			if prov == nil {
				prov = releaseProvenance(*st, version)
			}
		}
	}
	if len(errs) > 0 {
		return "", nil, fmt.Errorf("nothing to promote: %w", errors.Join(errs...))
	}
	return version, prov, nil
}

// releaseProvenance is the provenance release v's release.json holds on a
// host, as its status said; nil when it has none or v is not there.
func releaseProvenance(st agent.StatusResult, v string) *provenance.Provenance {
	if i := slices.IndexFunc(st.Releases, func(r agent.Release) bool { return r.Version == v }); i >= 0 {
		return st.Releases[i].Provenance
	}
	return nil
}
