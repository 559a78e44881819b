package agent

import (
	"context"
	"fmt"
	"slices"
)

// stop stops an instance's units (in reverse order) and deregisters it
// from Consul. Draining is the controller's job, so with Consul, stop
// refuses an instance that is registered and not in maintenance: stopping
// it would drop the requests the load balancer still sends it.
func (s *session) stop(ctx context.Context, a StopArgs) (StopResult, error) {
	inst, err := s.instance(OpStop, a.Slot)
	if err != nil {
		return StopResult{}, err
	}
	res, err := s.stopInstance(ctx, inst)
	s.journal(JournalEntry{Op: OpStop, Slot: a.Slot}, err)
	if err != nil {
		return res, err
	}
	s.log.Info("stopped", keySlot, a.Slot, "units", res.Units, "deregistered", res.Deregistered)
	return res, nil
}

func (s *session) stopInstance(ctx context.Context, inst instance) (StopResult, error) {
	res := StopResult{Units: []string{}}
	var reg Registry
	var st InstanceState
	if s.spec.Consul != nil {
		var err error
		if reg, err = s.registryFor(OpStop); err != nil {
			return res, err
		}
		if st, err = readInstance(ctx, reg, inst.serviceID); err != nil {
			return res, consulError(OpStop, err)
		}
		if st.Registered && !st.Maintenance {
			return res, errorf(CodeBadRequest,
				"stop: instance %s is in the load balancer: drain it first", inst.serviceID)
		}
	}
	for _, u := range slices.Backward(inst.units) {
		if err := s.stopUnit(ctx, u); err != nil {
			return res, err
		}
		res.Units = append(res.Units, u)
	}
	if !st.Registered {
		return res, nil
	}
	if err := deregister(ctx, reg, inst.serviceID); err != nil {
		return res, consulError(OpStop, fmt.Errorf("units stopped, instance still registered: %w", err))
	}
	res.Deregistered = true
	return res, nil
}

func (s *session) stopUnit(ctx context.Context, u string) error {
	err := s.deps.Units.Stop(ctx, u)
	if err == nil {
		s.log.Info("unit stopped", keyUnit, u)
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("stop %s: %w", u, ctx.Err())
	}
	s.log.Warn("unit stop failed", keyUnit, u, keyError, err)
	return s.unitError(ctx, CodeUnitFailed, u, err)
}
