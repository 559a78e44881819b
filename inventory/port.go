package inventory

import (
	"github.com/fleetdeploy/fleet/appspec"
	"go.yaml.in/yaml/v3"
)

// portRule says whether appspec.PortPlaceholder in app.health can be
// resolved. It stands for the port of the instance being checked: a
// slot's port on hosts that run slots, app.consul.port elsewhere. Parse
// checks that every host has one; callers substitute it with
// appspec.Health.ForPort.
type portRule int

const (
	portSkip    portRule = iota // what would resolve it is broken, and reported already
	portOK                      // app.slots or app.consul.port is set
	portMissing                 // neither is set: a check using it is an error
)

// portUsed notes a health check field that uses the placeholder and
// reports it when nothing can resolve it.
func (d *decoder) portUsed(n *yaml.Node, a at, value string) {
	if !appspec.UsesPort(value) {
		return
	}
	if d.portUser == "" {
		d.portUser = a.field
	}
	if d.ports == portMissing {
		d.errorf(Deref(n), a, "uses %s, but there is no instance port to put there; set app.slots or app.consul.port", appspec.PortPlaceholder)
	}
}

// InstancePorts returns the ports of the app's instances on h: one per
// slot on a host that runs slots, else app.consul.port when it is set,
// else none.
func (a App) InstancePorts(h Host) []int {
	if h.Slots && a.Slots != nil {
		ports := make([]int, len(a.Slots.Instances))
		for i, s := range a.Slots.Instances {
			ports[i] = s.Port
		}
		return ports
	}
	if a.Consul != nil && a.Consul.Port != 0 {
		return []int{a.Consul.Port}
	}
	return nil
}
