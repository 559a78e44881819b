package appspec

import (
	"fmt"
	"strconv"
	"strings"
)

// PortPlaceholder in a health check's HTTP URL or TCP address, or in a
// Consul check, stands for the port of the instance being checked: a
// slot's port on a host that runs slots, consul.port elsewhere. So one
// spec serves both slots.
const PortPlaceholder = "{port}"

// MaxPort is the largest TCP port.
const MaxPort = 65535

// WithPort returns s with every PortPlaceholder replaced by port.
func WithPort(s string, port int) string {
	return strings.ReplaceAll(s, PortPlaceholder, strconv.Itoa(port))
}

// UsesPort reports whether s holds PortPlaceholder, and so needs an
// instance with a port.
func UsesPort(s string) bool {
	return strings.Contains(s, PortPlaceholder)
}

// Port is the rule for an instance's TCP port.
func Port(p int) error {
	if p < 1 || p > MaxPort {
		return fmt.Errorf("must be between 1 and %d, got %d", MaxPort, p)
	}
	return nil
}
