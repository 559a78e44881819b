package agent

import (
	"context"

	"github.com/fleetdeploy/fleet/appspec"
)

// checkConsul asks the local Consul agent, with the spec's address and
// token, for one of the app's instances: the read every rollout starts
// with (drain, status). An instance Consul does not know is no error;
// an agent that is down, or a token it refuses, is.
func (s *session) checkConsul(ctx context.Context, spec appspec.Spec) *ConsulCheck {
	c := spec.Consul
	cc := &ConsulCheck{Address: c.Address}
	if cc.Address == "" {
		cc.Address = appspec.DefaultConsulAddress
	}
	id := c.Service
	if spec.Slots != nil && len(spec.Slots.Instances) > 0 {
		id += "-" + spec.Slots.Instances[0].Name
	}
	reg, err := s.deps.NewRegistry(*c)
	if err == nil {
		_, err = readInstance(ctx, reg, id)
	}
	if err != nil {
		cc.Error = err.Error() // the registry scrubs the token
	}
	return cc
}
