package main

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"
	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/inventory"
)

// Node metadata fleet reads for SSH, since the catalog knows a node's
// address but not how to log in to it.
const (
	metaSSHUser = "fleet_ssh_user"
	metaSSHPort = "fleet_ssh_port"
)

// consulTimeout bounds the catalog query.
const consulTimeout = 30 * time.Second

// consulSource takes the hosts from the Consul catalog: the nodes running
// --consul-service (with --consul-tag), or every node, narrowed by
// --consul-node-meta. A node is a host: its name, its address, its
// metadata as labels (those valid as fleet labels), fleet_ssh_user and
// fleet_ssh_port as its SSH user and port.
func consulSource(c *cli.Context, addr string) (*hostSource, error) {
	app := c.String("app")
	if app == "" {
		return nil, fmt.Errorf("--consul-catalog: name the app, ssh and strategy settings with --app FILE (a fleet.yaml without groups)")
	}
	service := c.String("consul-service")
	meta, err := parseNodeMeta(c.String("consul-node-meta"))
	if err != nil {
		return nil, err
	}
	if service == "" && len(meta) == 0 {
		return nil, fmt.Errorf("--consul-catalog: say which hosts with --consul-service or --consul-node-meta")
	}
	inv, err := inventory.LoadSettings(app)
	if err != nil {
		return nil, err
	}
	where := "consul " + addr
	if service != "" {
		where += " service " + service
	}
	nodes, err := catalogNodes(c.Context, c, addr, service, meta)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	s := &hostSource{kind: sourceConsul, where: where, inv: inv, origin: map[string]string{}}
	if err := s.addNodes(nodes, cmp.Or(service, "consul")); err != nil {
		return nil, err
	}
	return s, nil
}

// addNodes makes the catalog's nodes the inventory's hosts, in group.
func (s *hostSource) addNodes(nodes []catalogNode, group string) error {
	ext := make([]inventory.ExternalHost, 0, len(nodes))
	for _, n := range nodes {
		h, err := nodeHost(n, group, s.where)
		if err != nil {
			return err
		}
		ext = append(ext, h)
		s.origin[n.Node] = h.Origin
	}
	if err := s.inv.AddHosts(ext); err != nil {
		return err
	}
	if len(s.inv.Hosts) == 0 {
		return fmt.Errorf("%s: no nodes match", s.where)
	}
	return nil
}

// catalogNode is what fleet needs of a node, from either catalog query.
type catalogNode struct {
	Node    string
	Address string
	Meta    map[string]string
}

func catalogNodes(ctx context.Context, c *cli.Context, addr, service string, meta map[string]string) ([]catalogNode, error) {
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
	ctx, cancel := context.WithTimeout(ctx, consulTimeout)
	defer cancel()
	q := (&api.QueryOptions{NodeMeta: meta}).WithContext(ctx)
	seen := map[string]bool{}
	var out []catalogNode
	if service != "" {
		entries, _, err := client.Catalog().Service(service, c.String("consul-tag"), q)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if !seen[e.Node] { // a node may run several instances
				seen[e.Node] = true
				out = append(out, catalogNode{Node: e.Node, Address: e.Address, Meta: e.NodeMeta})
			}
		}
	} else {
		nodes, _, err := client.Catalog().Nodes(q)
		if err != nil {
			return nil, err
		}
		for _, n := range nodes {
			out = append(out, catalogNode{Node: n.Node, Address: n.Address, Meta: n.Meta})
		}
	}
	slices.SortFunc(out, func(a, b catalogNode) int { return strings.Compare(a.Node, b.Node) })
	return out, nil
}

func nodeHost(n catalogNode, group, where string) (inventory.ExternalHost, error) {
	h := inventory.ExternalHost{Name: n.Node, Address: n.Address, Group: group, Labels: map[string]string{},
		User: n.Meta[metaSSHUser], Origin: where + " node " + n.Node}
	if p := n.Meta[metaSSHPort]; p != "" {
		port, err := strconv.Atoi(p)
		if err != nil {
			return h, fmt.Errorf("%s: meta %s %q is not a port", h.Origin, metaSSHPort, p)
		}
		h.Port = port
	}
	for _, k := range slices.Sorted(maps.Keys(n.Meta)) {
		if k != metaSSHUser && k != metaSSHPort && inventory.ValidLabel(k, n.Meta[k]) == nil {
			h.Labels[k] = n.Meta[k]
		}
	}
	return h, nil
}

// parseNodeMeta reads "k=v,k2=v2".
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
