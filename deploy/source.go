package deploy

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/consul/api"
	"gopkg.in/yaml.v3"

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
}

// Source is the resolved inventory and where each host came from.
type Source struct {
	Kind      string // SourceFleet, SourceAnsible or SourceConsul
	Where     string // the file or catalog the hosts came from
	Inventory *inventory.Inventory
	Origin    map[string]string   // host → "file:line" or the catalog
	Groups    map[string][]string // Ansible: host → every group it is in
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
	if isAnsible(file, data) {
		return ansibleSource(file, data, o.App)
	}
	if app := o.App; app != "" {
		return nil, fmt.Errorf("--app %s: %s is a fleet inventory with its own app settings; --app is for Ansible inventories and the Consul catalog", app, file)
	}
	inv, err := inventory.Parse(file, data)
	if err != nil {
		return nil, err
	}
	s := &Source{Kind: SourceFleet, Where: file, Inventory: inv, Origin: map[string]string{}}
	for _, h := range inv.Hosts {
		s.Origin[h.Name] = fmt.Sprintf("%s:%d", file, h.Line)
	}
	return s, nil
}

// isAnsible tells an Ansible inventory from a fleet.yaml. A YAML mapping
// whose values are all empty or groups (keys only hosts, vars and
// children) is Ansible's YAML form; any other mapping is a fleet.yaml. A
// file that is not a YAML mapping is Ansible's INI form, unless it is
// named *.yaml or *.yml, in which case the fleet.yaml parser says what is
// wrong with it.
func isAnsible(file string, data []byte) bool {
	var doc yaml.Node
	err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc)
	if err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		ext := strings.ToLower(filepath.Ext(file))
		return len(bytes.TrimSpace(data)) > 0 && ext != ".yaml" && ext != ".yml"
	}
	root := doc.Content[0]
	for i := 1; i < len(root.Content); i += 2 {
		if !ansibleGroup(root.Content[i]) {
			return false
		}
	}
	return true
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

// ansibleSource takes the hosts of an Ansible inventory and the settings
// of --app. Each host keeps its ansible_host, ansible_user, ansible_port
// and, as labels, the variables that are valid fleet labels.
func ansibleSource(file string, data []byte, app string) (*Source, error) {
	if app == "" {
		return nil, fmt.Errorf("%s is an Ansible inventory: name the app, ssh and strategy settings with --app FILE (a fleet.yaml without groups)", file)
	}
	hosts, err := ansible.Parse(file, data)
	if err != nil {
		return nil, err
	}
	inv, err := inventory.LoadSettings(app)
	if err != nil {
		return nil, err
	}
	s := &Source{Kind: SourceAnsible, Where: file, Inventory: inv, Origin: map[string]string{}, Groups: map[string][]string{}}
	ext := make([]inventory.ExternalHost, 0, len(hosts))
	for _, h := range hosts {
		origin := fmt.Sprintf("%s:%d", file, h.Line)
		ext = append(ext, inventory.ExternalHost{Name: h.Name, Address: h.Address, Group: primaryGroup(h.Groups),
			Labels: h.Labels(), User: h.User, Port: h.Port, Line: h.Line, Origin: origin})
		s.Origin[h.Name] = origin
		s.Groups[h.Name] = h.Groups
	}
	if err := inv.AddHosts(ext); err != nil {
		return nil, err
	}
	if len(inv.Hosts) == 0 {
		return nil, fmt.Errorf("%s: no hosts", file)
	}
	return s, nil
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

// primaryGroup is the group fleet shows for an Ansible host, which may be
// in many: the first by name other than all and ungrouped. --limit
// matches every group of the host (Source.Limit).
func primaryGroup(groups []string) string {
	for _, g := range groups {
		if g != ansible.All && g != ansible.Ungrouped {
			return g
		}
	}
	return ansible.Ungrouped
}

// Limit rewrites --limit for an Ansible inventory: a term naming one of
// its groups (or a glob over group names, with or without @) becomes the
// hosts of that group and of its children, as in ansible --limit. Other
// terms go to inventory.Select unchanged.
func (s *Source) Limit(limit string) string {
	if s.Groups == nil || limit == "" {
		return limit
	}
	var out []string
	for term := range strings.SplitSeq(limit, ",") {
		term = strings.TrimSpace(term)
		pattern := strings.TrimPrefix(term, "@")
		var hosts []string
		for _, h := range s.Inventory.Hosts {
			if slices.ContainsFunc(s.Groups[h.Name], func(g string) bool { ok, _ := path.Match(pattern, g); return ok }) {
				hosts = append(hosts, h.Name)
			}
		}
		if len(hosts) == 0 {
			hosts = []string{term}
		}
		out = append(out, hosts...)
	}
	return strings.Join(out, ",")
}
