package inventory

import (
	"github.com/fleetdeploy/fleet/appspec"
	"go.yaml.in/yaml/v3"
)

var groupFields = []string{"name", "labels", "ssh", "slots", "hosts"}

// groups decodes the groups list into group names and hosts in file order.
// Host names are unique across the whole file, since they key state,
// locks and --limit.
func (d *decoder) groups(n, parent *yaml.Node, a at, base SSH, r slotRules) ([]string, []Host) {
	var names []string
	var hosts []Host
	entries := 0
	groupSeen := map[string]*yaml.Node{}
	hostSeen := map[string]*yaml.Node{}
	for i, gn := range d.seq(n, a) {
		ga := a.index(i)
		f := d.fields(gn, ga, groupFields...)
		g := group{
			name:   d.groupName(gn, f, ga, groupSeen),
			labels: d.labels(f["labels"], ga.key("labels")),
			ssh:    d.sshLayer(f["ssh"], ga.key("ssh")).over(base),
			slots:  r.on,
		}
		if own := d.slotsSetting(f, ga, r); own != nil {
			g.slots = r.on && *own
		}
		if g.name != "" {
			names = append(names, g.name)
		}
		for j, hn := range d.seq(f["hosts"], ga.key("hosts")) {
			entries++
			ha := ga.key("hosts").index(j)
			h, nameNode := d.host(hn, ha, g, r)
			if nameNode == nil {
				continue
			}
			if first, dup := hostSeen[h.Name]; dup {
				d.errorf(nameNode, nameField(hn, ha, h.Name), "duplicate host name %s (first at %s)", h.Name, pos(first))
				continue
			}
			hostSeen[h.Name] = nameNode
			hosts = append(hosts, h)
		}
	}
	if entries == 0 {
		d.errorf(orAt(n, parent), a, "must define at least one host")
	}
	return names, hosts
}

// groupName decodes and checks a group's name; "" when it is unusable.
func (d *decoder) groupName(n *yaml.Node, f map[string]*yaml.Node, a at, seen map[string]*yaml.Node) string {
	nameNode, ok := f["name"]
	if !ok {
		if m := Deref(n); IsNull(m) || m.Kind == yaml.MappingNode {
			d.errorf(m, a.key("name"), "is required")
		}
		return ""
	}
	name := optional(d, f, "name", a, d.str, appspec.Name)
	if name == nil {
		return ""
	}
	if first, dup := seen[*name]; dup {
		d.errorf(Deref(nameNode), a.key("name"), "duplicate group name %s (first at %s)", *name, pos(first))
		return ""
	}
	seen[*name] = Deref(nameNode)
	return *name
}

// nameField is the path of a host's name: the entry itself for the
// shorthand form, its name field otherwise.
func nameField(entry *yaml.Node, a at, host string) at {
	a.host = host
	if m := Deref(entry); m != nil && m.Kind == yaml.MappingNode {
		return a.key("name")
	}
	return a
}
