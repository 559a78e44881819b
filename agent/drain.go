package agent

import (
	"context"
	"fmt"
	"strings"

	"github.com/fleetdeploy/fleet/appspec"
)

// drain takes an instance out of the load balancer before it is stopped
// or replaced: maintenance on (with a reason naming the rollout), then a
// wait of appspec.Consul.Drain for in-flight requests. Consul is asked first,
// so an unreachable Consul fails the op before anything changed: a
// rollout must refuse a host it cannot drain.
func (s *session) drain(ctx context.Context, a DrainArgs) (DrainResult, error) {
	inst, err := s.consulInstance(OpDrain, a.Slot)
	if err != nil {
		return DrainResult{}, err
	}
	reason := a.Reason
	switch id := s.ctrl.RolloutID; {
	case reason == "":
		reason = "fleet: draining for rollout " + id
	case id != "" && !strings.Contains(reason, id):
		// Whoever finds the instance in maintenance must learn which
		// rollout put it there.
		reason += " (rollout " + id + ")"
	}
	if err := validateFreeText("drain reason", reason); err != nil {
		return DrainResult{}, errorf(CodeBadRequest, "drain: %w", err)
	}
	res, err := s.drainInstance(ctx, inst, reason)
	s.journal(JournalEntry{Op: OpDrain, Slot: a.Slot, Reason: reason}, err)
	if err != nil {
		return DrainResult{}, err
	}
	s.log.Info("drained", keySlot, a.Slot, keyService, inst.serviceID,
		"registered", res.Registered, "waited", res.Waited)
	return res, nil
}

func (s *session) drainInstance(ctx context.Context, inst instance, reason string) (DrainResult, error) {
	res := DrainResult{ServiceID: inst.serviceID}
	reg, err := s.registryFor(OpDrain)
	if err != nil {
		return res, err
	}
	st, err := readInstance(ctx, reg, inst.serviceID)
	if err != nil {
		return res, consulError(OpDrain, err)
	}
	if !st.Registered {
		return res, nil // nothing sends it traffic through Consul
	}
	res.Registered, res.AlreadyMaintenance = true, st.Maintenance
	// Enabled again even when already on, so the reason names this rollout.
	if err := setMaintenance(ctx, reg, inst.serviceID, true, reason); err != nil {
		return res, consulError(OpDrain, err)
	}
	wait := s.spec.Consul.Drain.Std()
	if st.Maintenance || wait <= 0 {
		return res, nil // it has had no new traffic since it entered maintenance
	}
	fired, stop := s.deps.NewTimer(wait)
	defer stop()
	select {
	case <-ctx.Done():
		// Maintenance stays on: the instance is out of the load balancer,
		// which is the safe side to leave it on.
		return res, fmt.Errorf("drain %s: %w", inst.serviceID, ctx.Err())
	case <-fired:
	}
	res.Waited = appspec.Duration(wait)
	return res, nil
}
