package ansible

import "github.com/fleetdeploy/fleet/inventory"

// Warning is a setting of the inventory that fleet does not honour, or
// a host it left out, where it is set. A selection lists each once, for
// the caller to print once, however many hosts share it.
type Warning struct {
	File    string
	Line    int
	Column  int    // 0 in INI
	Setting string // the variable, such as ansible_become
	Host    string // the host, when the warning is about one (a skipped host)
	Msg     string
	// Security is set for a setting that would weaken how the host is
	// authenticated (StrictHostKeyChecking=no, UserKnownHostsFile=/dev/null,
	// host_key_checking off). Fleet never honours those; the caller should
	// make the warning stand out.
	Security bool
}

// String renders the warning like an inventory error:
// "hosts.ini:9: ansible_ssh_common_args: not honoured: …".
func (w Warning) String() string {
	e := inventory.FieldError{File: w.File, Line: w.Line, Column: w.Column, Field: w.Setting, Host: w.Host, Msg: w.Msg}
	return e.Error()
}
