package inventory

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// kubeSet is a kubespray-shaped inventory as Ansible's patterns see it:
// groups hold their hosts in group order, which differs from the order
// the hosts were first defined in.
var kubeSet = HostSet{
	Hosts: []string{"node1", "node2", "node3", "node4", "web01", "web02", "web03", "db.example.com"},
	Groups: []HostGroup{
		{Name: "all", Hosts: []string{"node1", "node2", "node3", "node4", "web01", "web02", "web03", "db.example.com"}},
		{Name: "ungrouped", Hosts: nil},
		{Name: "kube_control_plane", Hosts: []string{"node2", "node1"}},
		{Name: "etcd", Hosts: []string{"node1", "node2", "node3"}},
		{Name: "kube_node", Hosts: []string{"node3", "node4"}},
		{Name: "k8s_cluster", Hosts: []string{"node2", "node1", "node3", "node4"}},
		{Name: "web", Hosts: []string{"web03", "web01", "web02"}},
		{Name: "canary", Hosts: []string{"web02"}},
		{Name: "db", Hosts: []string{"db.example.com"}},
		{Name: "node3", Hosts: []string{"node1"}}, // a group named like a host
	},
}

func TestHostSet_SelectAnsible(t *testing.T) {
	tests := []struct{ pattern, want string }{
		{"", "node1 node2 node3 node4 web01 web02 web03 db.example.com"},
		{"all", "node1 node2 node3 node4 web01 web02 web03 db.example.com"},
		{"*", "node1 node2 node3 node4 web01 web02 web03 db.example.com"},
		{"web:db", "web01 web02 web03 db.example.com"},
		{"web,db", "web01 web02 web03 db.example.com"},
		{"web:!web03", "web01 web02"},
		{"!web03:web", "web01 web02"},   // ! applies last, wherever written
		{"web:&canary", "web02"},        // & keeps what both match
		{"!canary:&web", "web01 web03"}, // only & and !: starts from all
		{"etcd:&k8s_cluster:!kube_node", "node1 node2"},
		{"~web0[1-2]", "web01 web02"},        // a regex, from the start of the name
		{"~node", "node1 node2 node3 node4"}, // re.match: a prefix is enough
		{"web[0]", "web03"},                  // positions in the group's order
		{"web[-1]", "web02"},
		{"web[0:1]", "web01 web03"}, // inclusive; result in inventory order
		{"web[1:]", "web01 web02"},
		{"web[2:0]", "web02"},       // Ansible reads [i:0] as [i]
		{"web[1:9]", "web01 web02"}, // clipped
		{"k8s_cluster[0:1]", "node1 node2"},
		{"web0*", "web01 web02 web03"},       // a glob over host names
		{"kube*", "node1 node2 node3 node4"}, // and over group names
		{"node[!34]", "node1 node2"},         // fnmatch class: not a subscript
		{"node3", "node3"},                   // a host's own name beats the group
		{"*.example.com", "db.example.com"},
		{"@kube_*", "node1 node2 node3 node4"}, // fleet's @: groups only
		{"db.example.com", "db.example.com"},   // one address: no ':' split
	}
	for _, tt := range tests {
		got, err := kubeSet.Select(tt.pattern, AnsiblePatterns)
		if err != nil {
			t.Errorf("Select(%q): %v", tt.pattern, err)
			continue
		}
		if want := strings.Fields(tt.want); !reflect.DeepEqual(got, want) {
			t.Errorf("Select(%q) = %v, want %v", tt.pattern, got, want)
		}
	}
}

func TestHostSet_SelectAnsibleErrors(t *testing.T) {
	tests := []struct {
		pattern string
		is      error
		msg     string
	}{
		{"web:nope", ErrNoMatch, `limit term "nope" matches no host or group`},
		{"web:!nope", ErrNoMatch, `limit term "!nope" matches no host or group`},
		{"web[3]", ErrNoMatch, `limit term "web[3]" matches no host: web matches 3 (positions 0 to 2)`},
		{"web[5:7]", ErrNoMatch, `limit term "web[5:7]" matches no host`},
		{"node[12]", ErrNoMatch, `limit term "node[12]" matches no host or group`}, // position 12 of node, not a class
		{"web:&db", ErrNoMatch, `limit "web:&db" selects no host`},
		{"web[1-2]", ErrBadPattern, `write web[1:2] for positions 1 to 2, or ~web[1-2] for names`},
		{"~web(?=1)", ErrBadPattern, `RE2`},
		{"web:!", ErrBadPattern, `has nothing after its operator`},
		{"web,web:db", ErrNoMatch, `limit term "web:db" matches no host`}, // with a comma, ':' is no separator
	}
	for _, tt := range tests {
		got, err := kubeSet.Select(tt.pattern, AnsiblePatterns)
		if err == nil {
			t.Errorf("Select(%q) = %v, want an error", tt.pattern, got)
			continue
		}
		var pe *PatternError
		if !errors.Is(err, tt.is) || !errors.As(err, &pe) {
			t.Errorf("Select(%q) error %v: want errors.Is %v and a *PatternError", tt.pattern, err, tt.is)
		}
		if !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Select(%q) error %q does not contain %q", tt.pattern, err, tt.msg)
		}
	}
}

// fleetSet is a fleet.yaml as patterns see it: flat groups.
var fleetSet = HostSet{
	Hosts:  []string{"test1", "test2", "test3", "db1", "web1"},
	Groups: []HostGroup{{Name: "test", Hosts: []string{"test1", "test2", "test3"}}, {Name: "db", Hosts: []string{"db1"}}, {Name: "web", Hosts: []string{"web1"}}},
}

// In a fleet.yaml brackets stay a glob's class, and Ansible's slices,
// which would silently be a class there, are refused with a hint.
func TestHostSet_SelectFleet(t *testing.T) {
	ok := []struct{ pattern, want string }{
		{"test[12]", "test1 test2"},
		{"test[1-2]", "test1 test2"},
		{"test*:!test2", "test1 test3"},
		{"test:&test[23]", "test2 test3"},
		{"~test[13]", "test1 test3"},
		{"@t*,db", "test1 test2 test3 db1"},
		{"!db", "test1 test2 test3 web1"},
		{"all:!@test", "db1 web1"},
	}
	for _, tt := range ok {
		got, err := fleetSet.Select(tt.pattern, FleetPatterns)
		if err != nil {
			t.Errorf("Select(%q): %v", tt.pattern, err)
			continue
		}
		if want := strings.Fields(tt.want); !reflect.DeepEqual(got, want) {
			t.Errorf("Select(%q) = %v, want %v", tt.pattern, got, want)
		}
	}
	bad := []struct {
		pattern string
		is      error
		msg     string
	}{
		{"test[1:3]", ErrBadPattern, "Ansible's slices"},
		{"test[0:]", ErrBadPattern, "Ansible's slices"},
		{"test[-1]", ErrBadPattern, "Ansible's slices"},
		{"test[0]", ErrNoMatch, "not Ansible's position in a group"},
		{"d?", ErrNoMatch, `limit term "d?" matches no host`}, // a glob is over host names only
	}
	for _, tt := range bad {
		got, err := fleetSet.Select(tt.pattern, FleetPatterns)
		if err == nil {
			t.Errorf("Select(%q) = %v, want an error", tt.pattern, got)
			continue
		}
		if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Select(%q) error %q: want errors.Is %v and %q", tt.pattern, err, tt.is, tt.msg)
		}
	}
}

func TestSplitPattern(t *testing.T) {
	tests := []struct{ in, want string }{
		{"web:db", "web|db"},
		{"web[0:2]", "web[0:2]"},
		{"web[0:2]:db", "web[0:2]|db"},
		{"web:!web3:&canary", "web|!web3|&canary"},
		{"a, b ,,c", "a|b|c"},
		{"web:db,app", "web:db|app"},
		{"10.0.0.1:22", "10.0.0.1:22"},
		{"2001:db8::1", "2001:db8::1"},
		{"~web0[1-3]", "~web0[1-3]"},
		{"web[", "web["},
	}
	for _, tt := range tests {
		if got := strings.Join(splitPattern(tt.in), "|"); got != tt.want {
			t.Errorf("splitPattern(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFnmatch(t *testing.T) {
	tests := []struct {
		glob, name string
		want       bool
	}{
		{"web*", "web1", true},
		{"web?", "web12", false},
		{"web[!1]", "web2", true},
		{"web[!1]", "web1", false},
		{"web[", "web[", true},
		{`a\b`, `a\b`, true},
		{"[]]x", "]x", true},
		{"a.b", "axb", false},
	}
	for _, tt := range tests {
		m, err := fnmatch(tt.glob)
		if err != nil {
			t.Errorf("fnmatch(%q): %v", tt.glob, err)
			continue
		}
		if got := m(tt.name); got != tt.want {
			t.Errorf("fnmatch(%q)(%q) = %v, want %v", tt.glob, tt.name, got, tt.want)
		}
	}
}
