package inventory

import (
	"slices"

	"github.com/fleetdeploy/fleet/appspec"
	"gopkg.in/yaml.v3"
)

// portRule says whether appspec.PortPlaceholder in app.health can be
// resolved. It stands for the port of the instance being checked: a
// slot's port on hosts that run slots, app.consul.port elsewhere. Parse
// checks that every host has one; callers substitute it with the WithPort
// methods.
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

// WithPort returns the check with appspec.PortPlaceholder replaced by port.
func (c Check) WithPort(port int) Check {
	if c.HTTP != nil {
		h := *c.HTTP
		h.URL = appspec.WithPort(h.URL, port)
		c.HTTP = &h
	}
	if c.TCP != nil {
		t := *c.TCP
		t.Address = appspec.WithPort(t.Address, port)
		c.TCP = &t
	}
	if c.Command != nil {
		cmd := *c.Command
		cmd.Argv = slices.Clone(cmd.Argv)
		c.Command = &cmd
	}
	if c.Systemd != nil {
		s := *c.Systemd
		c.Systemd = &s
	}
	return c
}

// WithPort returns the health gate with every check's placeholder
// replaced by port.
func (h Health) WithPort(port int) Health {
	h.Checks = slices.Clone(h.Checks)
	for i, c := range h.Checks {
		h.Checks[i] = c.WithPort(port)
	}
	return h
}

// WithPort returns the check with the placeholder replaced by port.
func (c ConsulCheck) WithPort(port int) ConsulCheck {
	c.HTTP = appspec.WithPort(c.HTTP, port)
	c.TCP = appspec.WithPort(c.TCP, port)
	return c
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
