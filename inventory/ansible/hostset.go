package ansible

import (
	"slices"

	"github.com/fleetdeploy/fleet/inventory"
)

// hostSet is the inventory as Ansible's patterns see it: every host in
// the order first defined, every group in the order first named, each
// with its hosts in the order Group.get_hosts returns them, which is
// the order a slice such as web[0:2] counts.
func (b *builder) hostSet() inventory.HostSet {
	own := b.ownHosts()
	children := b.childLists()
	s := inventory.HostSet{Hosts: make([]string, 0, len(b.hostList))}
	for _, h := range b.hostList {
		s.Hosts = append(s.Hosts, h.name)
	}
	for _, g := range b.groupList {
		var hosts []string
		seen := map[string]bool{}
		for _, d := range descendants(g.name, children) {
			for _, h := range own[d] {
				if !seen[h] {
					seen[h] = true
					hosts = append(hosts, h)
				}
			}
		}
		s.Groups = append(s.Groups, inventory.HostGroup{Name: g.name, Hosts: hosts})
	}
	return s
}

// ownHosts is each group's own hosts after Ansible's reconcile_inventory:
// a host in another group leaves ungrouped, and a host in no group but
// all joins it, at the end, in host order.
func (b *builder) ownHosts() map[string][]string {
	own := make(map[string][]string, len(b.groupList))
	for _, g := range b.groupList {
		own[g.name] = slices.Clone(g.hosts)
	}
	grouped := func(h *host) bool {
		return slices.ContainsFunc(h.groups, func(g string) bool { return g != All && g != Ungrouped })
	}
	own[Ungrouped] = slices.DeleteFunc(own[Ungrouped], func(name string) bool { return grouped(b.hosts[name]) })
	for _, h := range b.hostList {
		if !grouped(h) && !slices.Contains(own[Ungrouped], h.name) {
			own[Ungrouped] = append(own[Ungrouped], h.name)
		}
	}
	return own
}

// childLists is each group's children in the order added; all also gets
// every group without a parent, in group order, as reconcile_inventory
// adds them.
func (b *builder) childLists() map[string][]string {
	out := map[string][]string{}
	hasParent := map[string]bool{}
	for _, g := range b.groupList {
		for _, e := range g.children {
			out[g.name] = append(out[g.name], e.child)
			hasParent[e.child] = true
		}
	}
	for _, g := range b.groupList {
		if g.name != All && !hasParent[g.name] {
			out[All] = append(out[All], g.name)
		}
	}
	return out
}

// descendants is Ansible's get_descendants(include_self=True,
// preserve_ordering=True): the group, its children in order, then each
// further generation. Ansible walks a generation in the order of a
// Python set, which can differ from run to run; fleet walks it in the
// order of the generation before, so grandchildren's hosts are counted
// in a fixed order.
func descendants(name string, children map[string][]string) []string {
	ordered := append([]string{name}, children[name]...)
	seen := map[string]bool{}
	for _, g := range ordered {
		seen[g] = true
	}
	frontier := ordered
	for len(frontier) > 0 {
		var next []string
		for _, g := range frontier {
			for _, c := range children[g] {
				if !seen[c] {
					seen[c] = true
					ordered = append(ordered, c)
					next = append(next, c)
				}
			}
		}
		frontier = next
	}
	return ordered
}
