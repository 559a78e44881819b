package ansible

import (
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/fleetdeploy/fleet/inventory"
)

// Inventory is a parsed Ansible inventory, to select hosts from.
type Inventory struct {
	File    string
	Hosts   []Host // every host, in the order first defined
	set     inventory.HostSet
	details map[string]*detail
}

// Options changes what Select does with hosts fleet cannot deploy to.
type Options struct {
	// SkipNonSSH leaves out, with a warning each, the selected hosts
	// whose ansible_connection is not SSH (local, docker, winrm, …),
	// instead of refusing them.
	SkipNonSSH bool
}

// Selection is what Select keeps, and what to tell the user about it.
type Selection struct {
	Hosts []Host // in inventory order
	// Warnings are the settings of the kept hosts that fleet does not
	// honour, and the hosts left out under SkipNonSSH, each once where
	// it is set, in file order.
	Warnings []Warning
}

// ReadFile reads and parses an inventory file.
func ReadFile(path string) (*Inventory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load ansible inventory: %w", err)
	}
	return Read(path, data)
}

// Read parses an INI or YAML inventory as Parse does, but keeps what
// refuses a single host (a template or vault value where fleet needs a
// literal, a connection that is not SSH) on the host: Select raises it
// only for the hosts it keeps. A broken file is an inventory.Errors, as from Parse.
func Read(file string, data []byte) (*Inventory, error) {
	b := newBuilder(file)
	hosts := b.parse(data)
	if err := b.sorted(); err != nil {
		return nil, err
	}
	return &Inventory{File: file, Hosts: hosts, set: b.hostSet(), details: b.details}, nil
}

// Select returns the hosts pattern selects, in Ansible's pattern grammar
// (inventory.AnsiblePatterns: web:db, web:!web3, web:&canary,
// ~web0[1-3], web[0:2]; "" is every host). A pattern error is an
// *inventory.PatternError (errors.Is ErrNoMatch or ErrBadPattern); the
// kept hosts' problems are HostErrors, each once where the value is set.
func (inv *Inventory) Select(pattern string, opt Options) (Selection, error) {
	names, err := inv.set.Select(pattern, inventory.AnsiblePatterns)
	if err != nil {
		return Selection{}, err
	}
	if len(names) == 0 { // only "" selects nothing without an error
		return Selection{}, fmt.Errorf("%s: no hosts", inv.File)
	}
	byName := make(map[string]Host, len(inv.Hosts))
	for _, h := range inv.Hosts {
		byName[h.Name] = h
	}
	var sel Selection
	for _, n := range names {
		h := byName[n]
		if opt.SkipNonSSH && h.Connection != "" && !h.SSHConnection() {
			sel.Warnings = append(sel.Warnings, inv.skipped(h))
			continue
		}
		sel.Hosts = append(sel.Hosts, h)
	}
	if err := inv.hostErrors(sel.Hosts); err != nil {
		return Selection{}, err
	}
	if len(sel.Hosts) == 0 {
		return Selection{}, fmt.Errorf("%s: limit %q: every selected host was left out, as none is reached over SSH: %w", inv.File, pattern, ErrNotSSH)
	}
	sel.Warnings = append(sel.Warnings, inv.ignoredWarnings(sel.Hosts)...)
	slices.SortStableFunc(sel.Warnings, func(x, y Warning) int { return cmpPos(pos{x.Line, x.Column}, pos{y.Line, y.Column}) })
	return sel, nil
}

// skipped is the warning for a host left out under SkipNonSSH.
func (inv *Inventory) skipped(h Host) Warning {
	v := inv.details[h.Name].set["ansible_connection"]
	return Warning{File: inv.File, Line: v.at.line, Column: v.at.col, Setting: "ansible_connection", Host: h.Name,
		Msg: fmt.Sprintf("connection %q is not SSH: host left out", h.Connection)}
}

// ignoredWarnings lists the settings of hosts that fleet does not
// honour, once per setting and place.
func (inv *Inventory) ignoredWarnings(hosts []Host) []Warning {
	type key struct {
		name string
		at   pos
	}
	seen := map[key]bool{}
	var out []Warning
	for _, h := range hosts {
		set := inv.details[h.Name].set
		for _, name := range slices.Sorted(maps.Keys(set)) {
			v := set[name]
			reason, ok := ignoredSetting(name)
			if !ok || seen[key{name, v.at}] {
				continue
			}
			seen[key{name, v.at}] = true
			msg, security := warning(name, v.text, reason)
			out = append(out, Warning{File: inv.File, Line: v.at.line, Column: v.at.col, Setting: name, Msg: msg, Security: security})
		}
	}
	return out
}
