package ansible

import (
	"slices"
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

	// DirectGroups are the groups the host is listed in, not those it is
	// in through children, in the order it was added to them (file
	// order), without all; [ungrouped] when it is listed in no other.
	DirectGroups []string
	// Connection is ansible_connection as written; "" when unset, which
	// Ansible reads as ssh. A host whose connection is not SSH (see
	// SSHConnection) is refused when selected, or left out with a
	// warning under Options.SkipNonSSH.
	Connection string
	// IdentityFiles is ansible_ssh_private_key_file (or the older
	// ansible_private_key_file), ~ expanded; nil when unset. It replaces
	// the --app file's ssh.identity_files for this host, as a fleet.yaml
	// host's own identity_files do.
	IdentityFiles []string
}

// detail is what a host's Vars do not say: where each was set, for
// warnings, and what refuses the host if it is selected.
type detail struct {
	set      map[string]value
	problems []problem
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

// sshConnections are the ansible_connection values that reach a host
// over SSH, which fleet can do too: the ssh and paramiko plugins, by
// short or full name, and smart (ssh).
var sshConnections = []string{
	"ssh", "smart", "paramiko", "paramiko_ssh",
	"ansible.builtin.ssh", "ansible.builtin.paramiko_ssh",
	"ansible.legacy.ssh", "ansible.legacy.paramiko_ssh",
}

// SSHConnection reports whether Ansible reaches the host over SSH.
func (h Host) SSHConnection() bool {
	return h.Connection == "" || slices.Contains(sshConnections, h.Connection)
}
