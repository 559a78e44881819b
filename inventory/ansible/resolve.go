package ansible

import (
	"github.com/fleetdeploy/fleet/inventory"

	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// defaultPriority is Ansible's ansible_group_priority when unset.
const defaultPriority = 1

// resolved is the group graph after checks: each group's parents (top
// level groups under all) and depth below all.
type resolved struct {
	parents  map[string][]string
	depth    map[string]int
	priority map[string]int
}

// resolve checks the group graph and computes every host. It returns nil
// when the graph itself is broken; problems with single hosts are
// reported and the rest still resolved.
func (b *builder) resolve() []Host {
	var declared []string
	for _, g := range b.groupList {
		if g.declared {
			declared = append(declared, g.name)
		}
	}
	for _, r := range b.refs {
		if !b.groups[r.name].declared {
			b.add(r.at, "%s%s", r.msg, inventory.Suggest(r.name, declared))
		}
	}
	r, ok := b.graph()
	if !ok {
		return nil
	}
	out := make([]Host, 0, len(b.hostList))
	for _, h := range b.hostList {
		out = append(out, b.resolveHost(h, r))
	}
	return out
}

// graph checks the child edges for cycles and computes parents, depths
// and priorities.
func (b *builder) graph() (resolved, bool) {
	r := resolved{parents: map[string][]string{}, depth: map[string]int{}, priority: map[string]int{}}
	ok := true
	for _, g := range b.groupList {
		for _, e := range g.children {
			if e.child == All {
				b.add(e.at, "group all cannot be a child of %s: all already holds every group", g.name)
				ok = false
				continue
			}
			r.parents[e.child] = append(r.parents[e.child], g.name)
		}
		r.priority[g.name] = defaultPriority
		if p := g.priority; p != nil {
			n, err := strconv.Atoi(strings.TrimSpace(p.text))
			if err != nil {
				b.add(p.at, "ansible_group_priority of group %s must be a whole number, got %q", g.name, p.text)
			}
			r.priority[g.name] = n
		}
	}
	for _, g := range b.groupList {
		if g.name != All && len(r.parents[g.name]) == 0 {
			r.parents[g.name] = []string{All}
		}
	}
	if !ok || !b.acyclic() {
		return r, false
	}
	for _, g := range b.groupList {
		r.depthOf(g.name)
	}
	return r, true
}

// acyclic reports every cycle of child groups, at the edge that closes it.
func (b *builder) acyclic() bool {
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	var path []string
	ok := true
	var visit func(name string)
	visit = func(name string) {
		state[name] = onPath
		path = append(path, name)
		for _, e := range b.groups[name].children {
			switch state[e.child] {
			case onPath:
				i := slices.Index(path, e.child)
				cycle := append(slices.Clone(path[i:]), e.child)
				b.add(e.at, "group %s is its own descendant: %s", e.child, strings.Join(cycle, " -> "))
				ok = false
			case unseen:
				visit(e.child)
			}
		}
		path = path[:len(path)-1]
		state[name] = done
	}
	for _, g := range b.groupList {
		if state[g.name] == unseen {
			visit(g.name)
		}
	}
	return ok
}

// depthOf is a group's longest distance below all, as Ansible counts it
// to order group variables. The graph is acyclic when this runs.
func (r resolved) depthOf(name string) int {
	if d, ok := r.depth[name]; ok || name == All {
		return d
	}
	d := 0
	for _, p := range r.parents[name] {
		d = max(d, r.depthOf(p)+1)
	}
	r.depth[name] = d
	return d
}

// resolveHost computes one host's groups and variables.
func (b *builder) resolveHost(h *host, r resolved) Host {
	direct := slices.Clone(h.groups)
	// A host is in ungrouped exactly when it is in no group but all and
	// ungrouped, as Ansible reconciles it.
	others := slices.ContainsFunc(direct, func(g string) bool { return g != All && g != Ungrouped })
	direct = slices.DeleteFunc(direct, func(g string) bool { return g == Ungrouped })
	if !others {
		direct = append(direct, Ungrouped)
	}
	member := map[string]bool{All: true}
	var climb func(g string)
	climb = func(g string) {
		if member[g] {
			return
		}
		member[g] = true
		for _, p := range r.parents[g] {
			climb(p)
		}
	}
	for _, g := range direct {
		climb(g)
	}
	groups := slices.Sorted(maps.Keys(member))

	// Group variables in Ansible's order: shallow groups first, then by
	// priority, then by name; each overrides the ones before. Host
	// variables override them all.
	order := slices.Clone(groups)
	slices.SortFunc(order, func(x, y string) int {
		return cmp.Or(cmp.Compare(r.depth[x], r.depth[y]), cmp.Compare(r.priority[x], r.priority[y]), strings.Compare(x, y))
	})
	vars := map[string]value{}
	for _, g := range order {
		maps.Copy(vars, b.groups[g].vars)
	}
	maps.Copy(vars, h.vars)
	out := b.connection(h, groups, vars)
	out.DirectGroups = slices.DeleteFunc(direct, func(g string) bool { return g == All })
	if len(out.DirectGroups) == 0 {
		out.DirectGroups = []string{Ungrouped}
	}
	return out
}
