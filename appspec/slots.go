package appspec

import "fmt"

// Slots give the host two instances ("slots") of the app, each the
// instance <slot> of the systemd template Unit, each with its own port,
// so a host can start the new version next to the old one
// (strategy.max_surge) or flip between them (strategy.blue_green).
type Slots struct {
	Unit      string `json:"unit"`  // a template, e.g. "hello@.service"
	Instances []Slot `json:"slots"` // exactly SlotCount, with distinct names and ports
}

// Slot is one instance: its name (a version-like name, also the template
// instance) and the port it listens on.
type Slot struct {
	Name string `json:"name"`
	Port int    `json:"port"`
}

// Lookup returns the slot named name; s may be nil.
func (s *Slots) Lookup(name string) (Slot, bool) {
	if s == nil {
		return Slot{}, false
	}
	for _, sl := range s.Instances {
		if sl.Name == name {
			return sl, true
		}
	}
	return Slot{}, false
}

// UnitOf names the unit that runs slot: "hello@.service" and "blue" give
// "hello@blue.service".
func (s Slots) UnitOf(slot string) string {
	return InstanceUnit(s.Unit, slot)
}

func (s Slots) validate() error {
	if err := named("unit", s.Unit, TemplateUnit(s.Unit)); err != nil {
		return err
	}
	if len(s.Instances) != SlotCount {
		return fmt.Errorf("want exactly %d slots, got %d", SlotCount, len(s.Instances))
	}
	names, ports := map[string]bool{}, map[int]bool{}
	for _, sl := range s.Instances {
		if err := named("slot name", sl.Name, SlotName(sl.Name)); err != nil {
			return err
		}
		if err := SlotUnit(s.Unit, sl.Name); err != nil {
			return fmt.Errorf("slot %s: %w", sl.Name, err)
		}
		if err := Port(sl.Port); err != nil {
			return fmt.Errorf("slot %s: port %w", sl.Name, err)
		}
		if names[sl.Name] || ports[sl.Port] {
			return fmt.Errorf("slot %s (port %d): names and ports must differ", sl.Name, sl.Port)
		}
		names[sl.Name], ports[sl.Port] = true, true
	}
	return nil
}
