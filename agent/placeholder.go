package agent

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// PortPlaceholder in a health check's URL or address, or in a Consul
// check, stands for the port of the instance being checked: with slots,
// one spec serves both instances.
const PortPlaceholder = "{port}"

// withPort replaces PortPlaceholder in s with port.
func withPort(s string, port int) string {
	return strings.ReplaceAll(s, PortPlaceholder, strconv.Itoa(port))
}

// validateHostPort checks a host:port that may hold the placeholder.
func validateHostPort(what, addr string) error {
	if _, _, err := net.SplitHostPort(withPort(addr, 1)); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// usesPort reports whether any check of the health spec or of Consul
// needs the instance's port.
func (s AppSpec) usesPort() bool {
	if healthUsesPort(s.Health) {
		return true
	}
	if s.Consul != nil {
		for _, c := range s.Consul.Checks {
			if strings.Contains(c.HTTP+c.TCP, PortPlaceholder) {
				return true
			}
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
			hc.URL = withPort(hc.URL, port)
			c.HTTP = &hc
		case c.TCP != nil:
			tc := *c.TCP
			tc.Address = withPort(tc.Address, port)
			c.TCP = &tc
		}
		out.Checks[i] = c
	}
	return out
}
