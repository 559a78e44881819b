// Package consulcatalog takes hosts from the Consul catalog, so a team
// whose services register there need not keep a host list for fleet:
// the nodes running a service (narrowed by a tag), or every node, either
// narrowed by node metadata.
//
// A node is a host: its name, its address, its metadata as labels (those
// valid as fleet labels, inventory.ValidLabel), and the node metadata
// fleet_ssh_user and fleet_ssh_port as its SSH user and port, since the
// catalog knows where a node is but not how to log in to it. Hosts
// returns them as inventory.ExternalHost, for Inventory.AddHosts, which
// applies a fleet.yaml host's rules to them.
//
// Hosts reads the catalog through Catalog, two of the catalog endpoints,
// which consul/api's *api.Catalog satisfies; cmd/fleet makes the client
// (--consul-catalog, --consul-datacenter, --consul-token-file) and passes
// client.Catalog(), tests pass a fake. The package imports inventory and
// consul/api's types, nothing else of fleet, and dials nothing itself.
package consulcatalog

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/fleetdeploy/fleet/inventory"
)

// Node metadata fleet reads for SSH.
const (
	MetaSSHUser = "fleet_ssh_user"
	MetaSSHPort = "fleet_ssh_port"
)

// queryTimeout bounds the catalog query.
const queryTimeout = 30 * time.Second

// Catalog is what Hosts needs of Consul's catalog API. *api.Catalog
// satisfies it.
type Catalog interface {
	// Service lists the instances of service, with tag when it is not "".
	Service(service, tag string, q *api.QueryOptions) ([]*api.CatalogService, *api.QueryMeta, error)
	// Nodes lists the catalog's nodes.
	Nodes(q *api.QueryOptions) ([]*api.Node, *api.QueryMeta, error)
}

var _ Catalog = (*api.Catalog)(nil)

// Query says which catalog and which of its nodes.
type Query struct {
	Address  string            // the Consul agent's address, which Where names; the caller dials it
	Service  string            // the nodes running this service; "" for every node
	Tag      string            // with Service: only nodes with an instance that has this tag
	NodeMeta map[string]string // only nodes with all of this metadata
}

// Where names the catalog and the query in origins and errors: "consul
// http://127.0.0.1:8500 service hello".
func (q Query) Where() string {
	where := "consul " + q.Address
	if q.Service != "" {
		where += " service " + q.Service
	}
	return where
}

// Hosts returns the nodes of c that match q, each once and sorted by
// name, as hosts of group q.Service (group "consul" without a service),
// each with origin "<q.Where()> node <name>". The query runs under ctx
// for at most 30 s. A query that matches no node returns no hosts and
// no error. An error names q.Where().
func Hosts(ctx context.Context, c Catalog, q Query) ([]inventory.ExternalHost, error) {
	nodes, err := query(ctx, c, q)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q.Where(), err)
	}
	out := make([]inventory.ExternalHost, 0, len(nodes))
	for _, n := range nodes {
		h, err := host(n, cmp.Or(q.Service, "consul"), q.Where())
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// node is what fleet needs of a node, from either catalog query.
type node struct {
	name, address string
	meta          map[string]string
}

func query(ctx context.Context, c Catalog, q Query) ([]node, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	opts := (&api.QueryOptions{NodeMeta: q.NodeMeta}).WithContext(ctx)
	var out []node
	if q.Service != "" {
		entries, _, err := c.Service(q.Service, q.Tag, opts)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, e := range entries {
			if !seen[e.Node] { // a node may run several instances
				seen[e.Node] = true
				out = append(out, node{name: e.Node, address: e.Address, meta: e.NodeMeta})
			}
		}
	} else {
		nodes, _, err := c.Nodes(opts)
		if err != nil {
			return nil, err
		}
		for _, n := range nodes {
			out = append(out, node{name: n.Node, address: n.Address, meta: n.Meta})
		}
	}
	slices.SortFunc(out, func(a, b node) int { return strings.Compare(a.name, b.name) })
	return out, nil
}

// host makes node n a host: fleet_ssh_user and fleet_ssh_port as its SSH
// user and port, the rest of its metadata that is valid as labels as its
// labels. A fleet_ssh_port that is not a number is an
// *inventory.FieldError naming the node.
func host(n node, group, where string) (inventory.ExternalHost, error) {
	h := inventory.ExternalHost{Name: n.name, Address: n.address, Group: group, Labels: map[string]string{},
		User: n.meta[MetaSSHUser], Origin: where + " node " + n.name}
	if p := n.meta[MetaSSHPort]; p != "" {
		port, err := strconv.Atoi(p)
		if err != nil {
			return h, &inventory.FieldError{File: h.Origin, Msg: fmt.Sprintf("meta %s %q is not a port", MetaSSHPort, p)}
		}
		h.Port = port
	}
	for _, k := range slices.Sorted(maps.Keys(n.meta)) {
		if k != MetaSSHUser && k != MetaSSHPort && inventory.ValidLabel(k, n.meta[k]) == nil {
			h.Labels[k] = n.meta[k]
		}
	}
	return h, nil
}
