package agent

import (
	"context"
)

// MaxWeight is the largest weight Consul accepts (its weights are uint16
// in DNS SRV answers).
const MaxWeight = 65535

// weight sets an instance's Consul weights for a gray release's step, or
// back to normal. The instance stays in (or out of) the balancer as it
// was: only its share changes.
func (s *session) weight(ctx context.Context, a WeightArgs) (WeightResult, error) {
	inst, err := s.consulInstance(OpWeight, a.Slot)
	if err != nil {
		return WeightResult{}, err
	}
	if a.Weight < 0 || a.Weight > MaxWeight {
		return WeightResult{}, errorf(CodeBadRequest, "weight: %d is outside 0..%d", a.Weight, MaxWeight)
	}
	res, err := s.setWeight(ctx, inst, a.Weight)
	s.journal(JournalEntry{Op: OpWeight, Slot: a.Slot, Weight: a.Weight}, err)
	if err != nil {
		return WeightResult{}, err
	}
	s.log.Info("weight set", keySlot, a.Slot, keyService, inst.serviceID, "passing", res.After.Passing)
	return res, nil
}

func (s *session) setWeight(ctx context.Context, inst instance, w int) (WeightResult, error) {
	res := WeightResult{ServiceID: inst.serviceID, After: weightsOf(w)}
	reg, err := s.registryFor(OpWeight)
	if err != nil {
		return res, err
	}
	st, err := readInstance(ctx, reg, inst.serviceID)
	if err != nil {
		return res, consulError(OpWeight, err)
	}
	if !st.Registered {
		return res, errorf(CodeNotFound, "weight: instance %s is not registered with consul", inst.serviceID)
	}
	res.Before = st.Weights
	if st.Weights == res.After {
		return res, nil
	}
	cctx, cancel := context.WithTimeout(ctx, consulCallTimeout)
	defer cancel()
	if err := reg.SetWeights(cctx, inst.serviceID, res.After); err != nil {
		return res, consulError(OpWeight, err)
	}
	return res, nil
}

// weightsOf is the Weights of a passing weight w (0: normal).
func weightsOf(w int) Weights {
	if w == 0 {
		return NormalWeights
	}
	return Weights{Passing: w, Warning: w}
}
