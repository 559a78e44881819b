package main

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/consul/api"
	"github.com/urfave/cli/v2"
	"gopkg.in/yaml.v3"

	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/inventory/ansible"
	"github.com/fleetdeploy/fleet/inventory/consulcatalog"
)

// Where the hosts come from.
const (
	sourceFleet   = "fleet.yaml"
	sourceAnsible = "ansible"
	sourceConsul  = "consul"
)

func sourceFlags() []cli.Flag {
	const cat = "Inventory source:"
	return []cli.Flag{
		&cli.StringFlag{Name: "app", EnvVars: []string{"FLEET_APP"}, Category: cat, Usage: "app, ssh and strategy settings (a fleet.yaml without groups) when the hosts come from an Ansible inventory or the Consul catalog"},
		&cli.StringFlag{Name: "consul-catalog", EnvVars: []string{"FLEET_CONSUL_CATALOG"}, Category: cat, Usage: "take the hosts from this Consul agent's catalog (http://host:8500) instead of --inventory"},
		&cli.StringFlag{Name: "consul-service", EnvVars: []string{"FLEET_CONSUL_SERVICE"}, Category: cat, Usage: "the nodes running this service"},
		&cli.StringFlag{Name: "consul-tag", EnvVars: []string{"FLEET_CONSUL_TAG"}, Category: cat, Usage: "only instances of the service with this tag"},
		&cli.StringFlag{Name: "consul-node-meta", EnvVars: []string{"FLEET_CONSUL_NODE_META"}, Category: cat, Usage: "only nodes with this metadata: k=v, comma-separated"},
		&cli.StringFlag{Name: "consul-datacenter", EnvVars: []string{"FLEET_CONSUL_DATACENTER"}, Category: cat, Usage: "the catalog's datacenter (default: the agent's)"},
		&cli.StringFlag{Name: "consul-token-file", EnvVars: []string{"FLEET_CONSUL_TOKEN_FILE"}, Category: cat, Usage: "file holding the ACL token for the catalog (else CONSUL_HTTP_TOKEN)"},
	}
}

// hostSource is the resolved inventory and where each host came from.
type hostSource struct {
	kind   string // sourceFleet, sourceAnsible or sourceConsul
	where  string // the file or catalog the hosts came from
	inv    *inventory.Inventory
	origin map[string]string   // host → "file:line" or the catalog
	groups map[string][]string // Ansible: host → every group it is in
}

// loadSource reads the hosts from the catalog, an Ansible inventory or a
// fleet.yaml, and the settings from the fleet.yaml or --app.
func loadSource(c *cli.Context) (*hostSource, error) {
	if addr := c.String("consul-catalog"); addr != "" {
		return consulSource(c, addr)
	}
	file := c.String("inventory")
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("load inventory: %w", err)
	}
	if isAnsible(file, data) {
		return ansibleSource(file, data, c.String("app"))
	}
	if app := c.String("app"); app != "" {
		return nil, fmt.Errorf("--app %s: %s is a fleet inventory with its own app settings; --app is for Ansible inventories and the Consul catalog", app, file)
	}
	inv, err := inventory.Parse(file, data)
	if err != nil {
		return nil, err
	}
	s := &hostSource{kind: sourceFleet, where: file, inv: inv, origin: map[string]string{}}
	for _, h := range inv.Hosts {
		s.origin[h.Name] = fmt.Sprintf("%s:%d", file, h.Line)
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
func ansibleSource(file string, data []byte, app string) (*hostSource, error) {
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
	s := &hostSource{kind: sourceAnsible, where: file, inv: inv, origin: map[string]string{}, groups: map[string][]string{}}
	ext := make([]inventory.ExternalHost, 0, len(hosts))
	for _, h := range hosts {
		origin := fmt.Sprintf("%s:%d", file, h.Line)
		ext = append(ext, inventory.ExternalHost{Name: h.Name, Address: h.Address, Group: primaryGroup(h.Groups),
			Labels: h.Labels(), User: h.User, Port: h.Port, Line: h.Line, Origin: origin})
		s.origin[h.Name] = origin
		s.groups[h.Name] = h.Groups
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
func consulSource(c *cli.Context, addr string) (*hostSource, error) {
	app := c.String("app")
	if app == "" {
		return nil, fmt.Errorf("--consul-catalog: name the app, ssh and strategy settings with --app FILE (a fleet.yaml without groups)")
	}
	meta, err := parseNodeMeta(c.String("consul-node-meta"))
	if err != nil {
		return nil, err
	}
	q := consulcatalog.Query{Address: addr, Service: c.String("consul-service"), Tag: c.String("consul-tag"), NodeMeta: meta}
	if q.Service == "" && len(meta) == 0 {
		return nil, fmt.Errorf("--consul-catalog: say which hosts with --consul-service or --consul-node-meta")
	}
	inv, err := inventory.LoadSettings(app)
	if err != nil {
		return nil, err
	}
	catalog, err := consulCatalog(c, addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q.Where(), err)
	}
	hosts, err := consulcatalog.Hosts(c.Context, catalog, q)
	if err != nil {
		return nil, err
	}
	s := &hostSource{kind: sourceConsul, where: q.Where(), inv: inv, origin: map[string]string{}}
	for _, h := range hosts {
		s.origin[h.Name] = h.Origin
	}
	if err := inv.AddHosts(hosts); err != nil {
		return nil, err
	}
	if len(inv.Hosts) == 0 {
		return nil, fmt.Errorf("%s: no nodes match", s.where)
	}
	return s, nil
}

// consulCatalog is the catalog API of the Consul agent at addr, with
// --consul-datacenter and the token of --consul-token-file (else
// consul/api reads CONSUL_HTTP_TOKEN).
func consulCatalog(c *cli.Context, addr string) (*api.Catalog, error) {
	cfg := api.DefaultConfig()
	cfg.Address = addr
	cfg.Datacenter = c.String("consul-datacenter")
	if f := c.String("consul-token-file"); f != "" {
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
// matches every group of the host (hostSource.limit).
func primaryGroup(groups []string) string {
	for _, g := range groups {
		if g != ansible.All && g != ansible.Ungrouped {
			return g
		}
	}
	return ansible.Ungrouped
}

// limit rewrites --limit for an Ansible inventory: a term naming one of
// its groups (or a glob over group names, with or without @) becomes the
// hosts of that group and of its children, as in ansible --limit. Other
// terms go to inventory.Select unchanged.
func (s *hostSource) limit(limit string) string {
	if s.groups == nil || limit == "" {
		return limit
	}
	var out []string
	for term := range strings.SplitSeq(limit, ",") {
		term = strings.TrimSpace(term)
		pattern := strings.TrimPrefix(term, "@")
		var hosts []string
		for _, h := range s.inv.Hosts {
			if slices.ContainsFunc(s.groups[h.Name], func(g string) bool { ok, _ := path.Match(pattern, g); return ok }) {
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
