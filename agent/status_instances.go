package agent

import (
	"context"

	"github.com/fleetdeploy/fleet/appspec"
)

// instances describes the host's instances: the single one without
// slots, else one per slot. Unit and Consul state that cannot be read
// goes into the instance's Error; only a broken layout fails status.
func (s *session) instances(ctx context.Context) ([]InstanceStatus, error) {
	slots := []string{""}
	if s.spec.Slots != nil {
		slots = slots[:0]
		for _, sl := range s.spec.Slots.Instances {
			slots = append(slots, sl.Name)
		}
	}
	out := make([]InstanceStatus, 0, len(slots))
	for _, slot := range slots {
		inst, err := s.instance(OpStatus, slot)
		if err != nil {
			return nil, err
		}
		v, err := s.version(inst)
		if err != nil {
			return nil, err
		}
		is := InstanceStatus{Slot: slot, Version: v, Unit: inst.mainUnit(), Port: inst.port, ServiceID: inst.serviceID}
		if is.Unit != "" {
			if is.ActiveState, err = s.deps.Units.ActiveState(ctx, is.Unit); err != nil {
				is.Error = err.Error()
			}
		}
		if s.spec.Consul != nil {
			s.consulStatus(ctx, &is)
		}
		out = append(out, is)
	}
	return out, nil
}

// consulStatus fills the Consul fields of is.
func (s *session) consulStatus(ctx context.Context, is *InstanceStatus) {
	reg, err := s.registryFor(OpStatus)
	var st InstanceState
	if err == nil {
		st, err = readInstance(ctx, reg, is.ServiceID)
	}
	if err != nil {
		is.Error = joinText(is.Error, err.Error())
		return
	}
	is.Registered, is.Maintenance = st.Registered, st.Maintenance
	is.ConsulVersion = st.Meta[appspec.MetaVersion]
	is.ChecksPassing = st.Registered && st.passing()
	if st.Registered && st.Weights != NormalWeights {
		is.Weight = st.Weights.Passing
	}
}

func joinText(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
