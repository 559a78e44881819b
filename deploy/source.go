package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/consul/api"
	"go.yaml.in/yaml/v3"

	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/inventory/ansible"
	"github.com/fleetdeploy/fleet/inventory/consulcatalog"
)

// Where the hosts come from (Source.Kind).
const (
	SourceFleet   = "fleet.yaml"
	SourceAnsible = "ansible"
	SourceConsul  = "consul"
)

// SourceOptions says where to read the hosts and the settings from: the
// Consul catalog when ConsulCatalog is set, else the Inventory file (a
// fleet.yaml, or an Ansible inventory); the settings come from the
// fleet.yaml, or from App for the other two.
type SourceOptions struct {
	Inventory string // fleet.yaml or an Ansible inventory (--inventory)
	App       string // a fleet.yaml without groups (--app)
	// ConsulCatalog is a Consul agent's address (http://host:8500); the
	// hosts are the nodes that run ConsulService (with ConsulTag), or
	// that have ConsulNodeMeta ("k=v,k2=v2").
	ConsulCatalog    string
	ConsulService    string
	ConsulTag        string
	ConsulNodeMeta   string
	ConsulDatacenter string // "" is the agent's
	ConsulTokenFile  string // "" leaves the token to CONSUL_HTTP_TOKEN
	// Limit is --limit. LoadSource applies it to an Ansible inventory,
	// in Ansible's pattern syntax, and keeps only the hosts it selects
	// (Source.Limit is then ""); the other sources leave it to
	// inventory.Select, in fleet's.
	Limit string
	// SkipNonSSH leaves out, with a warning each, the selected Ansible
	// hosts whose ansible_connection is not SSH, instead of refusing them.
	SkipNonSSH bool
}

// Source is the resolved inventory and where each host came from.
type Source struct {
	Kind      string // SourceFleet, SourceAnsible or SourceConsul
	Where     string // the file or catalog the hosts came from
	Inventory *inventory.Inventory
	Origin    map[string]string   // host → "file:line" or the catalog
	Groups    map[string][]string // Ansible: host → every group it is in
	// Direct is, for an Ansible inventory, each host's most specific
	// groups: those it is listed in (not their parents), in file order.
	Direct map[string][]string
	// Total is how many hosts the source holds; for an Ansible inventory
	// Inventory holds only those --limit selected.
	Total int
	// Warnings are what the user should read once before anything runs:
	// the settings of the selected Ansible hosts that fleet does not
	// honour, and the hosts SkipNonSSH left out, in file order.
	Warnings []SourceWarning
	limited  bool // Inventory holds only the hosts of SourceOptions.Limit
}

// SourceWarning is one warning about the source, such as
// "hosts.ini:9: ansible_become: not read: …". Security marks a setting
// that would weaken how hosts are authenticated (host key checking off),
// which fleet never honours.
type SourceWarning struct {
	Text     string
	Security bool
}

// LoadSource reads the hosts from the catalog, an Ansible inventory or a
// fleet.yaml, and the settings from the fleet.yaml or o.App.
func LoadSource(ctx context.Context, o SourceOptions) (*Source, error) {
	if o.ConsulCatalog != "" {
		return consulSource(ctx, o)
	}
	file := o.Inventory
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("load inventory: %w", err)
	}
	if readsAsAnsible(file, data, o.App != "") {
		return ansibleSource(file, data, o)
	}
	if app := o.App; app != "" {
		return nil, fmt.Errorf("--app %s: %s is a fleet inventory with its own app settings; --app is for Ansible inventories and the Consul catalog", app, file)
	}
	inv, err := inventory.Parse(file, data)
	if err != nil {
		return nil, err
	}
	s := &Source{Kind: SourceFleet, Where: file, Inventory: inv, Origin: map[string]string{}, Total: len(inv.Hosts)}
	for _, h := range inv.Hosts {
		s.Origin[h.Name] = fmt.Sprintf("%s:%d", file, h.Line)
	}
	return s, nil
}

// readsAsAnsible tells an Ansible inventory from a fleet.yaml. A YAML
// mapping whose values are all empty or groups (keys only hosts, vars
// and children), or that has Ansible's "all" or "plugin" key, is
// Ansible's YAML form; any other mapping is a fleet.yaml. A file that is
// not a YAML mapping is Ansible's INI form, unless it is named *.yaml or
// *.yml, in which case the fleet.yaml parser says what is wrong with it.
//
// With --app (withApp) the hosts come from another source, so the
// Ansible reader decides, and says what is wrong, unless the file has
// fleet.yaml's own keys (app, ssh, strategy, groups) with values no
// Ansible group has: that is a fleet.yaml given with --app by mistake.
func readsAsAnsible(file string, data []byte, withApp bool) bool {
	root := yamlRoot(data)
	switch {
	case root == nil && withApp:
		return true
	case root == nil:
		ext := strings.ToLower(filepath.Ext(file))
		return len(bytes.TrimSpace(data)) > 0 && ext != ".yaml" && ext != ".yml"
	case withApp:
		return !fleetShaped(root)
	case hasKey(root, ansible.All), hasKey(root, "plugin"):
		return true
	}
	for i := 1; i < len(root.Content); i += 2 {
		if !ansibleGroup(root.Content[i]) {
			return false
		}
	}
	return true
}

// yamlRoot is data's top-level mapping; nil when data is not YAML or
// its top level is something else.
func yamlRoot(data []byte) *yaml.Node {
	var doc yaml.Node
	err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc)
	if err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	return doc.Content[0]
}

func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}

// fleetShaped reports whether a mapping has one of fleet.yaml's top-level
// keys with a value that is not an Ansible group: a list (groups), or a
// mapping with none of a group's keys (app, ssh, strategy).
func fleetShaped(root *yaml.Node) bool {
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch root.Content[i].Value {
		case "app", "ssh", "strategy", "groups":
		default:
			continue
		}
		v := root.Content[i+1]
		switch {
		case v.Kind == yaml.SequenceNode:
			return true
		case v.Kind == yaml.MappingNode && !hasKey(v, "hosts") && !hasKey(v, "vars") && !hasKey(v, "children"):
			return true
		}
	}
	return false
}

func ansibleGroup(n *yaml.Node) bool {
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return true
	case n.Kind != yaml.MappingNode:
		return false
	}
	for i := 0; i < len(n.Content); i += 2 {
		switch n.Content[i].Value {
		case "hosts", "vars", "children":
		default:
			return false
		}
	}
	return true
}

// ansibleSource takes the hosts of an Ansible inventory that o.Limit
// selects, in Ansible's patterns, and the settings of --app. Each host
// keeps its ansible_host, ansible_user, ansible_port, key file and, as
// labels, the variables that are valid fleet labels. Only the selected
// hosts' problems (a template, a vault value, a connection that is not
// SSH) refuse the run.
func ansibleSource(file string, data []byte, o SourceOptions) (*Source, error) {
	needApp := fmt.Errorf("%s is an Ansible inventory: name the app, ssh and strategy settings with --app FILE (a fleet.yaml without groups)", file)
	if o.App == "" && !isPluginConfig(data) {
		return nil, needApp
	}
	ai, err := ansible.Read(file, data)
	if err != nil {
		return nil, err
	}
	if o.App == "" {
		return nil, needApp
	}
	sel, err := ai.Select(o.Limit, ansible.Options{SkipNonSSH: o.SkipNonSSH})
	if err != nil {
		return nil, selectError(file, err, o.SkipNonSSH)
	}
	inv, err := inventory.LoadSettings(o.App)
	if err != nil {
		return nil, err
	}
	s := &Source{Kind: SourceAnsible, Where: file, Inventory: inv, Origin: map[string]string{}, Groups: map[string][]string{},
		Direct: map[string][]string{}, Total: len(ai.Hosts), limited: true}
	ext := make([]inventory.ExternalHost, 0, len(sel.Hosts))
	for _, h := range sel.Hosts {
		origin := fmt.Sprintf("%s:%d", file, h.Line)
		ext = append(ext, inventory.ExternalHost{Name: h.Name, Address: h.Address, Group: primaryGroup(h.DirectGroups),
			Labels: h.Labels(), User: h.User, Port: h.Port, IdentityFiles: h.IdentityFiles, Line: h.Line, Origin: origin})
		s.Origin[h.Name] = origin
		s.Groups[h.Name] = h.Groups
		s.Direct[h.Name] = h.DirectGroups
	}
	if err := inv.AddHosts(ext); err != nil {
		return nil, err
	}
	if len(inv.Hosts) == 0 {
		return nil, fmt.Errorf("%s: no hosts", file)
	}
	for _, w := range sel.Warnings {
		s.Warnings = append(s.Warnings, SourceWarning{Text: w.String(), Security: w.Security})
	}
	return s, nil
}

// isPluginConfig reports whether data is the YAML configuration of an
// Ansible inventory plugin, which the Ansible reader refuses with what
// to do instead.
func isPluginConfig(data []byte) bool {
	root := yamlRoot(data)
	return root != nil && hasKey(root, "plugin")
}

// selectError names the file in a --limit error; a host refused for its
// connection gets the flag that would leave it out.
func selectError(file string, err error, skipping bool) error {
	var pe *inventory.PatternError
	switch {
	case errors.As(err, &pe):
		return fmt.Errorf("%s: %w", file, err)
	case errors.Is(err, ansible.ErrNotSSH) && !skipping:
		return fmt.Errorf("%w\n%s: to deploy to the other hosts, leave those not reached over SSH out of --limit, or pass --skip-non-ssh to skip them with a warning each", err, file)
	}
	return err
}

// consulSource takes the hosts from the Consul catalog
// (inventory/consulcatalog) and the settings from --app.
func consulSource(ctx context.Context, o SourceOptions) (*Source, error) {
	app := o.App
	if app == "" {
		return nil, fmt.Errorf("--consul-catalog: name the app, ssh and strategy settings with --app FILE (a fleet.yaml without groups)")
	}
	meta, err := parseNodeMeta(o.ConsulNodeMeta)
	if err != nil {
		return nil, err
	}
	q := consulcatalog.Query{Address: o.ConsulCatalog, Service: o.ConsulService, Tag: o.ConsulTag, NodeMeta: meta}
	if q.Service == "" && len(meta) == 0 {
		return nil, fmt.Errorf("--consul-catalog: say which hosts with --consul-service or --consul-node-meta")
	}
	inv, err := inventory.LoadSettings(app)
	if err != nil {
		return nil, err
	}
	catalog, err := consulCatalog(o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q.Where(), err)
	}
	hosts, err := consulcatalog.Hosts(ctx, catalog, q)
	if err != nil {
		return nil, err
	}
	s := &Source{Kind: SourceConsul, Where: q.Where(), Inventory: inv, Origin: map[string]string{}}
	for _, h := range hosts {
		s.Origin[h.Name] = h.Origin
	}
	if err := inv.AddHosts(hosts); err != nil {
		return nil, err
	}
	if len(inv.Hosts) == 0 {
		return nil, fmt.Errorf("%s: no nodes match", s.Where)
	}
	s.Total = len(inv.Hosts)
	return s, nil
}

// consulCatalog is the catalog API of the Consul agent at
// o.ConsulCatalog, in o.ConsulDatacenter, with the token of
// o.ConsulTokenFile (else consul/api reads CONSUL_HTTP_TOKEN).
func consulCatalog(o SourceOptions) (*api.Catalog, error) {
	cfg := api.DefaultConfig()
	cfg.Address = o.ConsulCatalog
	cfg.Datacenter = o.ConsulDatacenter
	if f := o.ConsulTokenFile; f != "" {
		tok, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("token: %w", err)
		}
		cfg.Token = strings.TrimSpace(string(tok))
	}
	client, err := api.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	return client.Catalog(), nil
}

// parseNodeMeta reads --consul-node-meta, "k=v,k2=v2".
func parseNodeMeta(s string) (map[string]string, error) {
	m := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--consul-node-meta %q: want key=value", kv)
		}
		m[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return m, nil
}

// primaryGroup is the group an Ansible host gets as Host.Group: the
// first it is listed in (its most specific); ungrouped when none.
func primaryGroup(direct []string) string {
	if len(direct) == 0 {
		return ansible.Ungrouped
	}
	return direct[0]
}

// Limit is the part of --limit that inventory.Select still has to apply:
// none for an Ansible inventory, whose hosts LoadSource already selected
// with Ansible's patterns (SourceOptions.Limit); all of it otherwise.
func (s *Source) Limit(limit string) string {
	if s.limited {
		return ""
	}
	return limit
}
