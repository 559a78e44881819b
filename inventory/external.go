package inventory

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/fleetdeploy/fleet/appspec"
)

// LoadSettings reads a fleet.yaml that holds app, ssh and strategy but no
// groups: its hosts come from another source (an Ansible inventory, a
// service catalog) and are added with AddHosts.
func LoadSettings(path string) (*Inventory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load settings: %w", err)
	}
	return ParseSettings(path, data)
}

// ParseSettings is Parse for a file without groups; a groups key is an
// error. The result has no hosts until AddHosts.
func ParseSettings(file string, data []byte) (*Inventory, error) {
	home, _ := os.UserHomeDir()
	d := &decoder{file: file, home: home, settingsOnly: true}
	root := d.document(data)
	if root == nil {
		return nil, d.sorted()
	}
	inv := d.inventory(root)
	if len(d.errs) > 0 {
		return nil, d.sorted()
	}
	return inv, nil
}

// ExternalHost is a host from another source, before fleet's rules are
// applied to it.
type ExternalHost struct {
	Name    string
	Address string // "" means Name
	Group   string // "" leaves Host.Group empty
	Labels  map[string]string
	User    string // "" keeps the settings' ssh user
	Port    int    // 0 keeps the settings' ssh port
	Line    int    // where the source defines it, when it is a file
	Origin  string // where it came from, for messages: "hosts.ini:12", "consul catalog"

	// IdentityFiles replace the settings' ssh.identity_files for this
	// host, as a fleet.yaml host's own do; nil keeps the settings'.
	IdentityFiles []string
}

// AddHosts checks hosts with the rules of a fleet.yaml host entry (name,
// address, labels, user, port, unique names) and appends them, each with
// the settings' ssh block under its own user and port, and running
// app.slots when the app has slots. It adds nothing when any host is
// refused, and reports every refused host, each named with its origin.
func (inv *Inventory) AddHosts(hosts []ExternalHost) error {
	seen := map[string]string{}
	for _, h := range inv.Hosts {
		seen[h.Name] = fmt.Sprintf("%s:%d", inv.File, h.Line)
	}
	var errs []error
	var add []Host
	for _, e := range hosts {
		h, err := inv.external(e)
		if err == nil {
			if first, dup := seen[e.Name]; dup {
				err = fmt.Errorf("duplicate host name (first at %s)", first)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: host %s: %w", e.Origin, e.Name, err))
			continue
		}
		seen[e.Name] = e.Origin
		add = append(add, h)
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for _, h := range add {
		if h.Group != "" && !slices.Contains(inv.Groups, h.Group) {
			inv.Groups = append(inv.Groups, h.Group)
		}
	}
	inv.Hosts = append(inv.Hosts, add...)
	return nil
}

func (inv *Inventory) external(e ExternalHost) (Host, error) {
	if err := appspec.Name(e.Name); err != nil {
		return Host{}, fmt.Errorf("name %w", err)
	}
	h := Host{Name: e.Name, Address: e.Address, Group: e.Group, Labels: maps.Clone(e.Labels),
		SSH: inv.SSH, Slots: inv.App.Slots != nil, Line: e.Line}
	if h.Address == "" {
		h.Address = e.Name
	}
	if h.Labels == nil {
		h.Labels = map[string]string{}
	}
	h.SSH.IdentityFiles = slices.Clone(inv.SSH.IdentityFiles)
	if e.IdentityFiles != nil {
		h.SSH.IdentityFiles = slices.Clone(e.IdentityFiles)
	}
	if err := validAddress(h.Address); err != nil {
		return Host{}, fmt.Errorf("address %q %w", h.Address, err)
	}
	if e.Group != "" {
		if err := appspec.Name(e.Group); err != nil {
			return Host{}, fmt.Errorf("group %q %w", e.Group, err)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(h.Labels)) {
		if err := ValidLabel(k, h.Labels[k]); err != nil {
			return Host{}, err
		}
	}
	if err := externalSSH(&h.SSH, e); err != nil {
		return Host{}, err
	}
	return h, nil
}

// externalSSH puts the host's own user and port over the settings'.
func externalSSH(s *SSH, e ExternalHost) error {
	if e.User != "" {
		if err := validUser(e.User); err != nil {
			return fmt.Errorf("ssh user %q %w", e.User, err)
		}
		s.User = e.User
	}
	if e.Port != 0 {
		if e.Port < 1 || e.Port > 65535 {
			return fmt.Errorf("ssh port %d must be 1 to 65535", e.Port)
		}
		s.Port = e.Port
	}
	return nil
}
