package agent

import (
	"context"
	"time"
)

// consulCallTimeout bounds one call to the local Consul agent, which
// answers in milliseconds when it is up: a hung agent must not hang the
// rollout, or status, with it.
const consulCallTimeout = 5 * time.Second

// registryFor returns the session's Registry, making it on first use.
// A failure is consul_unavailable: the op cannot know the instance's
// state in Consul, so it must not go on.
func (s *session) registryFor(op Op) (Registry, error) {
	if s.registry != nil {
		return s.registry, nil
	}
	r, err := s.deps.NewRegistry(*s.spec.Consul)
	if err != nil {
		return nil, consulError(op, err)
	}
	s.registry = r
	return r, nil
}

// consulInstance resolves the instance of an op that needs Consul.
func (s *session) consulInstance(op Op, slot string) (instance, error) {
	if s.spec.Consul == nil {
		return instance{}, errorf(CodeBadRequest, "%s: no consul in spec", op)
	}
	return s.instance(op, slot)
}

// readInstance is Registry.Instance under consulCallTimeout.
func readInstance(ctx context.Context, reg Registry, id string) (InstanceState, error) {
	ctx, cancel := context.WithTimeout(ctx, consulCallTimeout)
	defer cancel()
	return reg.Instance(ctx, id)
}

// setMaintenance is Registry.Maintenance under consulCallTimeout.
func setMaintenance(ctx context.Context, reg Registry, id string, on bool, reason string) error {
	ctx, cancel := context.WithTimeout(ctx, consulCallTimeout)
	defer cancel()
	return reg.Maintenance(ctx, id, on, reason)
}

// deregister is Registry.Deregister under consulCallTimeout.
func deregister(ctx context.Context, reg Registry, id string) error {
	ctx, cancel := context.WithTimeout(ctx, consulCallTimeout)
	defer cancel()
	return reg.Deregister(ctx, id)
}
