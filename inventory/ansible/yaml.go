package ansible

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fleetdeploy/fleet/inventory"
)

// groupKeys are the keys of a group in a YAML inventory.
var groupKeys = []string{"hosts", "vars", "children"}

const (
	// maxWalk bounds the nodes visited: aliases let a small file stand
	// for an exponentially large tree, which would otherwise be walked.
	maxWalk = 1_000_000
	// maxDepth bounds nested children.
	maxDepth = 100
)

// yamlReader is the state of one walk over a YAML inventory.
type yamlReader struct {
	b    *builder
	left int // nodes that may still be visited
}

// pair is one key and value of a mapping.
type pair struct{ k, v *yaml.Node }

// parseYAML reads a YAML inventory whose root mapping holds groups,
// usually just all, into b.
func parseYAML(b *builder, root *yaml.Node) {
	r := &yamlReader{b: b, left: maxWalk}
	for _, kv := range r.pairs(root) {
		if name, ok := r.name(kv.k, "group"); ok {
			r.group(name, kv.k, kv.v, "", 0)
		}
	}
}

// spend takes one node from the walk budget, reporting once when it runs out.
func (r *yamlReader) spend(n *yaml.Node) bool {
	r.left--
	if r.left == -1 {
		r.b.add(at(n), "the file expands, through aliases, to more than %d nodes", maxWalk)
	}
	return r.left >= 0
}

func at(n *yaml.Node) pos {
	if n == nil {
		return pos{}
	}
	return pos{line: n.Line, col: n.Column}
}

// group reads one group body: hosts, vars and children, any of them
// optional, and a null body is an empty group.
func (r *yamlReader) group(name string, k, body *yaml.Node, parent string, depth int) {
	if depth > maxDepth {
		r.b.add(at(k), "groups are nested more than %d deep", maxDepth)
		return
	}
	g := r.b.declare(name)
	if parent != "" {
		r.b.addChild(parent, name, at(k))
	}
	m := inventory.Deref(body)
	if inventory.IsNull(m) {
		return
	}
	if m.Kind != yaml.MappingNode {
		r.b.add(at(m), "group %s must be a mapping with hosts, vars and children, got %s", name, inventory.Describe(m))
		return
	}
	for _, kv := range r.pairs(m) {
		switch key := kv.k.Value; key {
		case "hosts":
			r.hosts(name, kv.v)
		case "vars":
			r.vars(g, kv.v)
		case "children":
			r.children(name, kv.v, depth)
		default:
			r.b.add(at(kv.k), "group %s has unknown key %q%s; a group has hosts, vars and children", name, key, inventory.Suggest(key, groupKeys))
		}
	}
}

// hosts reads a group's hosts: a mapping of host patterns to their
// variables, or a single pattern as a string, which Ansible also accepts.
func (r *yamlReader) hosts(gname string, n *yaml.Node) {
	m := inventory.Deref(n)
	switch {
	case inventory.IsNull(m):
	case m.Kind == yaml.ScalarNode:
		r.host(gname, m, nil)
	case m.Kind == yaml.MappingNode:
		for _, kv := range r.pairs(m) {
			r.host(gname, kv.k, kv.v)
		}
	default:
		r.b.add(at(m), "hosts of group %s must be a mapping of host names to their variables, got %s", gname, inventory.Describe(m))
	}
}

func (r *yamlReader) host(gname string, k, vars *yaml.Node) {
	pattern, ok := r.name(k, "host")
	if !ok {
		return
	}
	names, port, ok := r.b.pattern(pattern, at(k))
	if !ok {
		return
	}
	var kvs []pair
	switch m := inventory.Deref(vars); {
	case inventory.IsNull(m):
	case m.Kind == yaml.MappingNode:
		kvs = r.pairs(m)
	default:
		r.b.add(at(m), "variables of host %s must be a mapping, got %s", pattern, inventory.Describe(m))
		return
	}
	values := make([]value, len(kvs))
	for i, kv := range kvs {
		values[i] = r.value(kv.v)
	}
	for _, name := range names {
		h := r.b.addHost(name, gname, at(k))
		if h == nil {
			continue
		}
		if port != "" {
			h.vars["ansible_port"] = value{text: port, at: at(k)}
		}
		for i, kv := range kvs {
			h.vars[kv.k.Value] = values[i]
		}
	}
}

func (r *yamlReader) vars(g *group, n *yaml.Node) {
	m := inventory.Deref(n)
	if inventory.IsNull(m) {
		return
	}
	if m.Kind != yaml.MappingNode {
		r.b.add(at(m), "vars of group %s must be a mapping, got %s", g.name, inventory.Describe(m))
		return
	}
	for _, kv := range r.pairs(m) {
		r.b.setGroupVar(g, kv.k.Value, r.value(kv.v))
	}
}

// children reads child groups: a mapping of names to group bodies, or a
// single name as a string.
func (r *yamlReader) children(parent string, n *yaml.Node, depth int) {
	m := inventory.Deref(n)
	switch {
	case inventory.IsNull(m):
	case m.Kind == yaml.ScalarNode:
		if name, ok := r.name(m, "group"); ok {
			r.group(name, m, nil, parent, depth+1)
		}
	case m.Kind == yaml.MappingNode:
		for _, kv := range r.pairs(m) {
			if name, ok := r.name(kv.k, "group"); ok {
				r.group(name, kv.k, kv.v, parent, depth+1)
			}
		}
	default:
		r.b.add(at(m), "children of group %s must be a mapping of group names to groups, got %s", parent, inventory.Describe(m))
	}
}

// name reads a group or host name from a key.
func (r *yamlReader) name(n *yaml.Node, what string) (string, bool) {
	n = inventory.Deref(n)
	if n.Kind != yaml.ScalarNode || inventory.IsNull(n) || n.Value == "" {
		r.b.add(at(n), "%s name must be a non-empty string, got %s", what, inventory.Describe(n))
		return "", false
	}
	return n.Value, true
}

// pairs returns the entries of mapping n, with merge keys (<<) expanded
// as YAML defines them: the mapping's own keys win, then earlier merged
// mappings. A key written twice is an error; Ansible would warn and keep
// the last, which hides a mistake.
func (r *yamlReader) pairs(n *yaml.Node) []pair {
	n = inventory.Deref(n)
	if n == nil || n.Kind != yaml.MappingNode || !r.spend(n) {
		return nil
	}
	var own, merged []pair
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := inventory.Deref(n.Content[i]), n.Content[i+1]
		switch {
		case k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge":
			merged = append(merged, r.mergeSources(v)...)
		case k.Kind != yaml.ScalarNode || inventory.IsNull(k):
			r.b.add(at(k), "keys must be strings, got %s", inventory.Describe(k))
		case first[k.Value] != nil:
			f := first[k.Value]
			r.b.add(at(k), "duplicate key %q (first at line %d, column %d)", k.Value, f.Line, f.Column)
		default:
			first[k.Value] = k
			own = append(own, pair{k, v})
		}
	}
	for _, p := range merged {
		if first[p.k.Value] == nil {
			first[p.k.Value] = p.k
			own = append(own, p)
		}
	}
	return own
}

// mergeSources returns the entries a merge key brings in: one mapping, or
// a list of mappings of which the first to set a key wins.
func (r *yamlReader) mergeSources(v *yaml.Node) []pair {
	m := inventory.Deref(v)
	switch {
	case m != nil && m.Kind == yaml.MappingNode:
		return r.pairs(m)
	case m != nil && m.Kind == yaml.SequenceNode:
		var out []pair
		for _, item := range m.Content {
			if it := inventory.Deref(item); it != nil && it.Kind == yaml.MappingNode {
				out = append(out, r.pairs(it)...)
				continue
			}
			r.b.add(at(item), "a merge (<<) takes a mapping or a list of mappings, got %s", inventory.Describe(inventory.Deref(item)))
		}
		return out
	}
	r.b.add(at(m), "a merge (<<) takes a mapping or a list of mappings, got %s", inventory.Describe(m))
	return nil
}

// value is a variable's value with where it is written; a !vault
// value is marked, as fleet does not decrypt it.
func (r *yamlReader) value(n *yaml.Node) value {
	v := value{text: r.text(n), at: at(n)}
	if m := inventory.Deref(n); m != nil && m.Tag == "!vault" {
		v.vault = true
	}
	return v
}

// text renders a variable's value. Scalars are kept as written (null is
// ""); lists and mappings become one line of YAML flow text, since fleet
// keeps every variable as text.
func (r *yamlReader) text(n *yaml.Node) string {
	n = inventory.Deref(n)
	if inventory.IsNull(n) {
		return ""
	}
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	var b strings.Builder
	r.flow(&b, n)
	return b.String()
}

func (r *yamlReader) flow(b *strings.Builder, n *yaml.Node) {
	n = inventory.Deref(n)
	if n == nil || !r.spend(n) {
		return
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if inventory.IsNull(n) {
			b.WriteString("null")
			return
		}
		b.WriteString(n.Value)
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, item := range n.Content {
			if i > 0 {
				b.WriteString(", ")
			}
			r.flow(b, item)
		}
		b.WriteByte(']')
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteString(", ")
			}
			r.flow(b, n.Content[i])
			b.WriteString(": ")
			r.flow(b, n.Content[i+1])
		}
		b.WriteByte('}')
	}
}
