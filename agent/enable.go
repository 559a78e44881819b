package agent

import "context"

// enable puts a registered instance into the load balancer: its gate has
// passed, so maintenance goes off.
func (s *session) enable(ctx context.Context, a EnableArgs) (EnableResult, error) {
	inst, err := s.consulInstance(OpEnable, a.Slot)
	if err != nil {
		return EnableResult{}, err
	}
	res, err := s.enableInstance(ctx, inst)
	s.journal(JournalEntry{Op: OpEnable, Slot: a.Slot}, err)
	if err != nil {
		return EnableResult{}, err
	}
	s.log.Info("enabled", keySlot, a.Slot, keyService, inst.serviceID)
	return res, nil
}

func (s *session) enableInstance(ctx context.Context, inst instance) (EnableResult, error) {
	res := EnableResult{ServiceID: inst.serviceID}
	reg, err := s.registryFor(OpEnable)
	if err != nil {
		return res, err
	}
	st, err := readInstance(ctx, reg, inst.serviceID)
	if err != nil {
		return res, consulError(OpEnable, err)
	}
	if !st.Registered {
		return res, errorf(CodeNotFound, "enable: instance %s is not registered with consul", inst.serviceID)
	}
	res.WasMaintenance = st.Maintenance
	if err := setMaintenance(ctx, reg, inst.serviceID, false, ""); err != nil {
		return res, consulError(OpEnable, err)
	}
	return res, nil
}
