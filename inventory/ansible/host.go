package ansible

import (
	"strings"

	"github.com/fleetdeploy/fleet/inventory"
)

// Host is one host of an Ansible inventory, with its variables resolved.
type Host struct {
	Name    string            // inventory_hostname
	Address string            // ansible_host, else Name
	User    string            // ansible_user; "" when unset
	Port    int               // ansible_port, 1 to 65535; 0 when unset
	Groups  []string          // every group it is in, with ancestors, all and ungrouped; sorted
	Vars    map[string]string // its variables after precedence, as text, ansible_* included
	Line    int               // where it is first defined
}

// Labels returns the host's variables that can be fleet labels: not
// ansible_*, and valid under inventory.ValidLabel, fleet.yaml's label
// rules. Anything else is left out rather than refused: an inventory
// holds many variables that were never meant as labels.
func (h Host) Labels() map[string]string {
	out := map[string]string{}
	for k, v := range h.Vars {
		if !strings.HasPrefix(k, "ansible_") && inventory.ValidLabel(k, v) == nil {
			out[k] = v
		}
	}
	return out
}
