package inventory

import (
	"github.com/fleetdeploy/fleet/appspec"
	"go.yaml.in/yaml/v3"
)

// Host is one deploy target, fully resolved.
type Host struct {
	Name    string
	Address string // host name or IP to dial; default Name
	Group   string
	Labels  map[string]string // the group's labels, then the host's on top
	SSH     SSH               // defaults <- top-level <- group <- host
	Slots   bool              // runs app.slots: the app has slots and neither host nor group said slots: false
	Line    int               // where the host is defined, for messages
}

var hostFields = []string{"name", "address", "labels", "ssh", "slots"}

// group is what a host inherits from its group.
type group struct {
	name   string
	labels map[string]string
	ssh    SSH
	slots  bool // hosts run slots unless they say otherwise
}

// host decodes one entry of a group's hosts list: a bare string is the
// host's name, a mapping spells out the rest. It returns the node that
// holds the name, for duplicate reports, or nil when the entry is unusable.
func (d *decoder) host(n *yaml.Node, a at, g group, r slotRules) (Host, *yaml.Node) {
	n = Deref(n)
	switch {
	case n == nil || IsNull(n) || (n.Kind != yaml.ScalarNode && n.Kind != yaml.MappingNode):
		d.errorf(n, a, "must be a host name or a mapping with name, got %s", describe(n))
		return Host{}, nil
	case n.Kind == yaml.ScalarNode:
		return d.shorthandHost(n, a, g)
	}
	// Name the host in every error about it, including unknown fields,
	// which fields reports before the name is decoded.
	a.host = peekName(n)
	f := d.fields(n, a, hostFields...)
	nameNode, ok := f["name"]
	if !ok {
		d.errorf(n, a.key("name"), "is required")
		return Host{}, nil
	}
	name := optional(d, f, "name", a, d.str, appspec.Name)
	if name == nil {
		a.host = ""
		name = new(string)
	}
	h := Host{Name: *name, Address: *name, Group: g.name, Slots: g.slots, Line: n.Line}
	if own := d.slotsSetting(f, a, r); own != nil {
		h.Slots = r.on && *own
	}
	if _, set := f["address"]; set {
		setIf(&h.Address, optional(d, f, "address", a, d.str, validAddress))
	} else if a.host != "" {
		d.checkDefaultAddress(Deref(nameNode), a.key("name"), *name)
	}
	h.Labels = mergeLabels(g.labels, d.labels(f["labels"], a.key("labels")))
	h.SSH = d.sshLayer(f["ssh"], a.key("ssh")).over(g.ssh)
	if a.host == "" {
		return h, nil
	}
	return h, Deref(nameNode)
}

func (d *decoder) shorthandHost(n *yaml.Node, a at, g group) (Host, *yaml.Node) {
	name, ok := d.str(n, a)
	if !ok {
		return Host{}, nil
	}
	if err := appspec.Name(name); err != nil {
		d.invalid(n, a, err)
		return Host{}, nil
	}
	d.checkDefaultAddress(n, at{field: a.field, host: name}, name)
	h := Host{Name: name, Address: name, Group: g.name, Slots: g.slots, Line: n.Line,
		Labels: mergeLabels(g.labels, nil), SSH: sshLayer{}.over(g.ssh)}
	return h, n
}

// peekName returns the name of a host mapping if it is a valid one, so
// errors can name the host before its fields are decoded in order.
func peekName(n *yaml.Node) string {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := Deref(n.Content[i]), Deref(n.Content[i+1])
		if k.Kind == yaml.ScalarNode && k.Value == "name" && v != nil && v.Kind == yaml.ScalarNode && appspec.Name(v.Value) == nil {
			return v.Value
		}
	}
	return ""
}

// checkDefaultAddress: the address defaults to the name, and a valid name
// (say "web+1") need not be a valid address.
func (d *decoder) checkDefaultAddress(n *yaml.Node, a at, name string) {
	if err := validAddress(name); err != nil {
		d.errorf(n, a, "is used as the address, which %s; set address", err)
	}
}
