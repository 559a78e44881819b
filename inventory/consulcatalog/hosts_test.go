package consulcatalog_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/inventory/consulcatalog"
)

// fakeCatalog is the Consul catalog, enough of it for fleet: services
// with tags and node metadata, nodes with metadata, filtered the way the
// Consul agent filters them. Each node runs its service twice. It records
// every query; err, when set, fails them all.
type fakeCatalog struct {
	t       *testing.T // reports a query without a deadline
	nodes   []fakeNode
	err     error
	queries []string // "service hello tag web meta map[...]" or "nodes meta map[...]"
}

type fakeNode struct {
	name, addr string
	meta       map[string]string
	service    string
	tags       []string
}

var _ consulcatalog.Catalog = (*fakeCatalog)(nil)

func (f *fakeCatalog) record(q *api.QueryOptions, what string) {
	f.t.Helper()
	if _, ok := q.Context().Deadline(); !ok {
		f.t.Errorf("%s: query without a deadline", what)
	}
	f.queries = append(f.queries, fmt.Sprintf("%s meta %v", what, q.NodeMeta))
}

func (f *fakeCatalog) match(n fakeNode, q *api.QueryOptions) bool {
	for k, v := range q.NodeMeta {
		if n.meta[k] != v {
			return false
		}
	}
	return true
}

func (f *fakeCatalog) Service(service, tag string, q *api.QueryOptions) ([]*api.CatalogService, *api.QueryMeta, error) {
	f.record(q, fmt.Sprintf("service %s tag %s", service, tag))
	if f.err != nil {
		return nil, nil, f.err
	}
	var out []*api.CatalogService
	for _, n := range f.nodes {
		if n.service == service && f.match(n, q) && (tag == "" || slices.Contains(n.tags, tag)) {
			for i := range 2 { // two instances per node: fleet wants the node once
				out = append(out, &api.CatalogService{Node: n.name, Address: n.addr, NodeMeta: n.meta,
					ServiceID: fmt.Sprintf("%s-%d", service, i), ServiceName: service, ServiceTags: n.tags, ServicePort: 8080 + i})
			}
		}
	}
	return out, &api.QueryMeta{LastIndex: 7}, nil
}

func (f *fakeCatalog) Nodes(q *api.QueryOptions) ([]*api.Node, *api.QueryMeta, error) {
	f.record(q, "nodes")
	if f.err != nil {
		return nil, nil, f.err
	}
	var out []*api.Node
	for _, n := range f.nodes {
		if f.match(n, q) {
			out = append(out, &api.Node{Node: n.name, Address: n.addr, Meta: n.meta})
		}
	}
	return out, &api.QueryMeta{LastIndex: 7}, nil
}

// newFake holds web3, web1 and web2 running hello (web3 tagged batch, the
// others web), listed out of order, and db1 running nothing.
func newFake(t *testing.T) *fakeCatalog {
	f := &fakeCatalog{t: t}
	for i, name := range []string{"web3", "web1", "web2"} {
		tags := []string{"web"}
		if name == "web3" {
			tags = []string{"batch"}
		}
		f.nodes = append(f.nodes, fakeNode{name: name, addr: fmt.Sprintf("10.0.0.%d", i+1), service: "hello", tags: tags,
			meta: map[string]string{consulcatalog.MetaSSHPort: fmt.Sprint(2200 + i), "rack": fmt.Sprintf("r%d", i%2+1), "bad key": "x"}})
	}
	f.nodes = append(f.nodes, fakeNode{name: "db1", addr: "10.9.9.9",
		meta: map[string]string{"rack": "r1", "role": "db", consulcatalog.MetaSSHUser: "postgres"}})
	return f
}

const addr = "http://127.0.0.1:8500"

func hosts(t *testing.T, c consulcatalog.Catalog, q consulcatalog.Query) []inventory.ExternalHost {
	t.Helper()
	q.Address = cmp.Or(q.Address, addr)
	hs, err := consulcatalog.Hosts(t.Context(), c, q)
	if err != nil {
		t.Fatalf("Hosts(%+v): %v", q, err)
	}
	return hs
}

func names(hs []inventory.ExternalHost) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Name)
	}
	return out
}

// TestHosts_Service: the nodes running a service, each once however many
// instances it runs, sorted by name, with their address, SSH port and user
// from fleet_ssh_port and fleet_ssh_user, their other metadata that is
// valid as labels, the service as group and the catalog and node as origin.
func TestHosts_Service(t *testing.T) {
	f := newFake(t)
	hs := hosts(t, f, consulcatalog.Query{Service: "hello"})
	if got := names(hs); !slices.Equal(got, []string{"web1", "web2", "web3"}) {
		t.Fatalf("hosts %v", got)
	}
	want := inventory.ExternalHost{Name: "web2", Address: "10.0.0.3", Group: "hello", Labels: map[string]string{"rack": "r1"},
		Port: 2202, Origin: "consul " + addr + " service hello node web2"}
	if h := hs[1]; fmt.Sprint(h) != fmt.Sprint(want) {
		t.Errorf("web2:\n got %+v\nwant %+v", h, want)
	}
	if got := f.queries; !slices.Equal(got, []string{"service hello tag  meta map[]"}) {
		t.Errorf("queries %q", got)
	}
}

// TestHosts_Narrowed: a tag narrows the service's instances, node metadata
// the nodes, with or without a service; both go to Consul, which filters.
func TestHosts_Narrowed(t *testing.T) {
	for _, tc := range []struct {
		q         consulcatalog.Query
		want      []string
		group     string
		wantQuery string
	}{
		{consulcatalog.Query{Service: "hello", Tag: "web"}, []string{"web1", "web2"}, "hello", "service hello tag web meta map[]"},
		{consulcatalog.Query{NodeMeta: map[string]string{"rack": "r1"}}, []string{"db1", "web2", "web3"}, "consul", "nodes meta map[rack:r1]"},
		{consulcatalog.Query{Service: "hello", NodeMeta: map[string]string{"rack": "r1"}}, []string{"web2", "web3"}, "hello", "service hello tag  meta map[rack:r1]"},
		{consulcatalog.Query{Service: "nosuch"}, nil, "", "service nosuch tag  meta map[]"},
	} {
		tc.q.Address = addr
		f := newFake(t)
		hs := hosts(t, f, tc.q)
		if got := names(hs); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: hosts %v, want %v", tc.q, got, tc.want)
		}
		for _, h := range hs {
			if h.Group != tc.group || !strings.HasPrefix(h.Origin, tc.q.Where()+" node ") {
				t.Errorf("%+v: %s in group %q from %q", tc.q, h.Name, h.Group, h.Origin)
			}
		}
		if !slices.Equal(f.queries, []string{tc.wantQuery}) {
			t.Errorf("%+v: queries %q, want %q", tc.q, f.queries, tc.wantQuery)
		}
	}
	db := hosts(t, newFake(t), consulcatalog.Query{NodeMeta: map[string]string{"role": "db"}})
	if len(db) != 1 || db[0].User != "postgres" || db[0].Port != 0 || !maps.Equal(db[0].Labels, map[string]string{"rack": "r1", "role": "db"}) {
		t.Errorf("db1 %+v", db)
	}
}

// TestHosts_AddedToInventory: the hosts are ones inventory.AddHosts takes,
// each with its own SSH port over the settings'.
func TestHosts_AddedToInventory(t *testing.T) {
	inv, err := inventory.ParseSettings("app.yaml", []byte(
		"app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}}\nssh: {user: deploy, port: 22}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := inv.AddHosts(hosts(t, newFake(t), consulcatalog.Query{Service: "hello"})); err != nil {
		t.Fatal(err)
	}
	if h := inv.Hosts[0]; h.Name != "web1" || h.Address != "10.0.0.2" || h.SSH.User != "deploy" || h.SSH.Port != 2201 || h.Group != "hello" {
		t.Errorf("web1 %+v", h)
	}
}

func TestHosts_Errors(t *testing.T) {
	boom := errors.New("connection refused")
	f := newFake(t)
	f.err = boom
	_, err := consulcatalog.Hosts(t.Context(), f, consulcatalog.Query{Address: addr, Service: "hello"})
	if !errors.Is(err, boom) || err.Error() != "consul "+addr+" service hello: connection refused" {
		t.Errorf("query failing: %v", err)
	}

	f = newFake(t)
	f.nodes[1].meta[consulcatalog.MetaSSHPort] = "ssh"
	_, err = consulcatalog.Hosts(t.Context(), f, consulcatalog.Query{Address: addr, Service: "hello"})
	var fe *inventory.FieldError
	if !errors.As(err, &fe) || err.Error() != "consul "+addr+" service hello node web1: meta fleet_ssh_port \"ssh\" is not a port" {
		t.Errorf("bad port: %v", err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	f = newFake(t)
	f.err = context.Canceled
	if _, err := consulcatalog.Hosts(ctx, f, consulcatalog.Query{Address: addr}); !errors.Is(err, context.Canceled) ||
		!strings.HasPrefix(err.Error(), "consul "+addr+": ") {
		t.Errorf("cancelled: %v", err)
	}
}

// TestHosts_Deadline: the query runs under the caller's ctx and at most
// 30 s.
func TestHosts_Deadline(t *testing.T) {
	f := newFake(t)
	var deadline time.Time
	c := deadlineCatalog{f, &deadline}
	start := time.Now()
	hosts(t, c, consulcatalog.Query{Service: "hello"})
	if d := deadline.Sub(start); d <= 0 || d > 31*time.Second {
		t.Errorf("query deadline %v after the call, want at most 30 s", d)
	}
}

// deadlineCatalog records the deadline of the Service query.
type deadlineCatalog struct {
	*fakeCatalog
	deadline *time.Time
}

func (c deadlineCatalog) Service(service, tag string, q *api.QueryOptions) ([]*api.CatalogService, *api.QueryMeta, error) {
	*c.deadline, _ = q.Context().Deadline()
	return c.fakeCatalog.Service(service, tag, q)
}
