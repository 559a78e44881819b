package agent

// instance is one running copy of the app on the host: either the host's
// single service (slot "") or one slot of the template unit.
type instance struct {
	slot      string   // "" = the host's single instance
	units     []string // restarted in order, stopped in reverse
	port      int      // 0: none known
	serviceID string   // its Consul service ID; "" without Consul
}

// instance resolves an op's Slot argument. A slot name needs slots in the
// spec; "" is always the single instance (on a host with slots, the
// service it may have run before it had slots).
func (s *session) instance(op Op, slot string) (instance, error) {
	if slot == "" {
		inst := instance{units: s.spec.Units}
		if c := s.spec.Consul; c != nil {
			inst.port, inst.serviceID = c.Port, c.Service
		}
		return inst, nil
	}
	if s.spec.Slots == nil {
		return instance{}, errorf(CodeBadRequest, "%s: slot %q: the spec has no slots", op, slot)
	}
	sl, ok := s.spec.Slots.Lookup(slot)
	if !ok {
		return instance{}, errorf(CodeBadRequest, "%s: slot %q: not one of the spec's slots", op, slot)
	}
	inst := instance{slot: slot, units: []string{s.spec.Slots.UnitOf(slot)}, port: sl.Port}
	if c := s.spec.Consul; c != nil {
		inst.serviceID = c.Service + "-" + slot
	}
	return inst, nil
}

// version is the release the instance runs from: what current (or the
// slot's current) points at, "" when nothing yet.
func (s *session) version(inst instance) (string, error) {
	if inst.slot == "" {
		return s.layout.readCurrent()
	}
	return s.layout.readSlotCurrent(inst.slot)
}

// hostCurrent is the host's current release: the serving slot's on a host
// with slots once a slot serves, else what current points at.
func (s *session) hostCurrent(st state) (string, error) {
	if _, ok := s.spec.Slots.Lookup(st.Serving); ok {
		return s.layout.readSlotCurrent(st.Serving)
	}
	return s.layout.readCurrent()
}

// mainUnit is the unit whose state status reports for the instance.
func (inst instance) mainUnit() string {
	if len(inst.units) == 0 {
		return ""
	}
	return inst.units[0]
}
