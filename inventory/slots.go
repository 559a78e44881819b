package inventory

import (
	"strings"

	"github.com/fleetdeploy/fleet/appspec"
	"go.yaml.in/yaml/v3"
)

var (
	slotsFields = []string{"unit", "instances"}
	slotFields  = []string{"name", "port"}
)

// slots decodes app.slots (appspec.Slots): two instances of a systemd
// template unit on every host that has them; a host or group opts out
// with `slots: false`. It is nil when any part of it is wrong, so the
// cross-checks that depend on it stay quiet.
func (d *decoder) slots(n *yaml.Node, a at) *appspec.Slots {
	m := Deref(n)
	if IsNull(m) {
		d.errorf(m, a, "must be a mapping with unit and instances; remove it to run one instance per host")
		return nil
	}
	before := len(d.errs)
	f := d.fields(m, a, slotsFields...)
	s := &appspec.Slots{}
	setIf(&s.Unit, optional(d, f, "unit", a, d.str, appspec.TemplateUnit))
	if _, ok := f["unit"]; !ok {
		d.errorf(m, a.key("unit"), "is required")
	}
	s.Instances = d.slotInstances(m, f, a.key("instances"), s.Unit)
	if len(d.errs) > before {
		return nil
	}
	return s
}

func (d *decoder) slotInstances(parent *yaml.Node, f map[string]*yaml.Node, a at, unit string) []appspec.Slot {
	n, ok := f["instances"]
	if !ok {
		d.errorf(parent, a, "is required")
		return nil
	}
	items := d.seq(n, a)
	if m := Deref(n); m != nil && (m.Kind == yaml.SequenceNode || IsNull(m)) && len(items) != appspec.SlotCount {
		d.errorf(m, a, "must list exactly %d instances, got %d", appspec.SlotCount, len(items))
	}
	var out []appspec.Slot
	names := map[string]int{}
	ports := map[int]int{}
	for i, item := range items {
		out = append(out, d.slot(item, a, i, unit, names, ports))
	}
	return out
}

// slot decodes instances[i]; names and ports hold the earlier ones.
func (d *decoder) slot(item *yaml.Node, a at, i int, unit string, names map[string]int, ports map[int]int) appspec.Slot {
	ia := a.index(i)
	f := d.fields(item, ia, slotFields...)
	var sl appspec.Slot
	if name := optional(d, f, "name", ia, d.str, appspec.SlotName); name != nil {
		sl.Name = *name
		if j, dup := names[sl.Name]; dup {
			d.errorf(Deref(f["name"]), ia.key("name"), "duplicate slot name %s (also %s[%d])", sl.Name, lastKey(a), j)
		} else if unit != "" {
			if err := appspec.SlotUnit(unit, sl.Name); err != nil {
				d.invalid(Deref(f["name"]), ia.key("name"), err)
			}
		}
		names[sl.Name] = i
	}
	if port := optional(d, f, "port", ia, d.integer, appspec.Port); port != nil {
		sl.Port = *port
		if j, dup := ports[sl.Port]; dup {
			d.errorf(Deref(f["port"]), ia.key("port"), "duplicate port %d (also %s[%d])", sl.Port, lastKey(a), j)
		}
		ports[sl.Port] = i
	}
	if m := Deref(item); IsNull(m) || m.Kind == yaml.MappingNode {
		for _, k := range slotFields {
			if _, set := f[k]; !set {
				d.errorf(m, ia.key(k), "is required")
			}
		}
	}
	return sl
}

// lastKey is the last element of a field path, for "also instances[0]".
func lastKey(a at) string {
	return a.field[strings.LastIndexByte(a.field, '.')+1:]
}

// slotRules is what app.slots means for the host entries.
type slotRules struct {
	written bool // app.slots is in the file, valid or not
	on      bool // app.slots is valid: hosts run slots unless they opt out
	// portless says why a host without slots needs app.consul.port,
	// which is not set; "" when it does not.
	portless string
}

// slotsSetting decodes a group's or host's `slots` and checks it against
// the app: true needs app.slots, and false needs another instance port
// when something uses one.
func (d *decoder) slotsSetting(f map[string]*yaml.Node, a at, r slotRules) *bool {
	v := optional(d, f, "slots", a, d.boolean, nil)
	if v == nil {
		return nil
	}
	n := Deref(f["slots"])
	switch {
	case *v && !r.written:
		d.errorf(n, a.key("slots"), "app.slots is not set, so there are no slots to run")
	case !*v && r.on && r.portless != "":
		d.errorf(n, a.key("slots"), "%s, so hosts without slots need app.consul.port", r.portless)
	}
	return v
}
