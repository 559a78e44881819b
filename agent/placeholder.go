package agent

import "github.com/fleetdeploy/fleet/appspec"

// usesPort reports whether any check of the health spec or of Consul
// needs the instance's port (appspec.PortPlaceholder).
func (s AppSpec) usesPort() bool {
	if healthUsesPort(s.Health) {
		return true
	}
	if s.Consul != nil {
		for _, c := range s.Consul.Checks {
			if appspec.UsesPort(c.HTTP) || appspec.UsesPort(c.TCP) {
				return true
			}
		}
	}
	return false
}

// healthUsesPort reports whether a check of h needs the instance's port.
func healthUsesPort(h HealthSpec) bool {
	for _, c := range h.Checks {
		if c.HTTP != nil && appspec.UsesPort(c.HTTP.URL) || c.TCP != nil && appspec.UsesPort(c.TCP.Address) {
			return true
		}
	}
	return false
}

// forPort returns the health spec with the placeholder replaced in every
// check. The spec's own slices are never modified.
func (h HealthSpec) forPort(port int) HealthSpec {
	out := h
	out.Checks = make([]CheckSpec, len(h.Checks))
	for i, c := range h.Checks {
		switch {
		case c.HTTP != nil:
			hc := *c.HTTP
			hc.URL = appspec.WithPort(hc.URL, port)
			c.HTTP = &hc
		case c.TCP != nil:
			tc := *c.TCP
			tc.Address = appspec.WithPort(tc.Address, port)
			c.TCP = &tc
		}
		out.Checks[i] = c
	}
	return out
}
