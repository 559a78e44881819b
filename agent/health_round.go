package agent

import (
	"context"
	"fmt"
	"strings"

	"github.com/fleetdeploy/fleet/appspec"
)

// consulCheckName is the check the Consul gate adds to every round.
const consulCheckName = "consul"

// consulGate reports whether the gate also requires the instance's own
// Consul checks to pass.
func (s *session) consulGate() bool {
	return s.spec.Consul != nil && s.spec.Consul.Gate
}

// roundFor prepares one probe round of inst: the spec's checks with the
// instance's port, plus the Consul gate when the spec asks for it. With
// the Consul gate, Consul must answer before the first round: a gate that
// can only fail because Consul is down would record a verdict against a
// release that did nothing wrong.
func (s *session) roundFor(ctx context.Context, op Op, inst instance) (func(context.Context) []CheckResult, error) {
	if inst.port == 0 && s.spec.Health.UsesPort() {
		return nil, errorf(CodeBadRequest, "%s: a check uses %s but instance %q has no port",
			op, appspec.PortPlaceholder, inst.slot)
	}
	spec := s.spec.Health.ForPort(inst.port)
	if !s.consulGate() {
		return func(ctx context.Context) []CheckResult { return s.probeAll(ctx, spec) }, nil
	}
	reg, err := s.registryFor(op)
	if err != nil {
		return nil, err
	}
	if _, err := readInstance(ctx, reg, inst.serviceID); err != nil {
		return nil, consulError(op, err)
	}
	consul := func(ctx context.Context) CheckResult {
		ctx, cancel := context.WithTimeout(ctx, spec.Interval.Std())
		defer cancel()
		return consulProbe(ctx, reg, inst.serviceID)
	}
	return func(ctx context.Context) []CheckResult { return s.probeAll(ctx, spec, consul) }, nil
}

// consulProbe passes when Consul knows the instance and every one of its
// checks passes. Maintenance does not count: the gate runs while the
// instance is held in maintenance, waiting for exactly this verdict.
func consulProbe(ctx context.Context, reg Registry, id string) CheckResult {
	res := CheckResult{Check: consulCheckName}
	st, err := reg.Instance(ctx, id)
	switch {
	case err != nil:
		res.Reason = clip(err.Error())
	case !st.Registered:
		res.Reason = fmt.Sprintf("instance %s is not registered", id)
	case !st.passing():
		var failing []string
		for _, c := range st.Checks {
			if c.Status != CheckPassing {
				failing = append(failing, fmt.Sprintf("%s %s", c.Name, c.Status))
			}
		}
		res.Reason = clip(strings.Join(failing, "; "))
	default:
		res.OK = true
	}
	return res
}
