package inventory

import (
	"fmt"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// decoder walks the yaml.Node tree of one file by hand. yaml.v3's own
// decoding stops at the first unknown field; walking the nodes lets Parse
// collect every problem, each with its position.
type decoder struct {
	file string
	home string // $HOME for ~ expansion; "" when unset
	errs Errors

	// ports says whether app.health may use appspec.PortPlaceholder; app sets it
	// before decoding health. portUser is the first field that does.
	ports    portRule
	portUser string

	// settingsOnly: the file holds app, ssh and strategy; its hosts come
	// from elsewhere (ParseSettings).
	settingsOnly bool
}

// at locates a value: its field path and, inside a host entry, the host.
type at struct {
	field string
	host  string
}

func (a at) key(k string) at {
	if a.field == "" {
		return at{field: k, host: a.host}
	}
	return at{field: a.field + "." + k, host: a.host}
}

func (a at) index(i int) at {
	return at{field: a.field + "[" + strconv.Itoa(i) + "]", host: a.host}
}

// errorf records a problem at node n; a nil n records it without position.
func (d *decoder) errorf(n *yaml.Node, a at, format string, args ...any) {
	e := &FieldError{File: d.file, Field: a.field, Host: a.host, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
}

// invalid records a validation error returned by one of the rule functions.
func (d *decoder) invalid(n *yaml.Node, a at, err error) {
	d.errorf(n, a, "%s", err.Error())
}

// sorted returns the problems in file order.
func (d *decoder) sorted() Errors {
	d.errs.SortByPosition()
	return d.errs
}

// describe is Describe for fleet.yaml, whose fields are typed: a scalar
// whose YAML type is why it is refused is named by that type ("must be a
// string, got a boolean"), not by its text.
func describe(n *yaml.Node) string {
	if n != nil && n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!bool":
			return "a boolean"
		case "!!int":
			return "an integer"
		case "!!float":
			return "a number"
		}
	}
	return Describe(n)
}

// fields returns the values of mapping n by key. Unknown, duplicate and
// non-string keys are reported here, once for every section. A missing or
// null section reads as an empty mapping.
func (d *decoder) fields(n *yaml.Node, a at, known ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	n = Deref(n)
	if IsNull(n) {
		return out
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, a, "must be a mapping, got %s", describe(n))
		return out
	}
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := Deref(n.Content[i])
		name, ok := d.key(k, a, first)
		if !ok {
			continue
		}
		if !slices.Contains(known, name) {
			d.errorf(k, a.key(name), "unknown field%s", Suggest(name, known))
			continue
		}
		out[name] = n.Content[i+1]
	}
	return out
}

// key checks one mapping key and remembers it in first to catch duplicates,
// which yaml.v3 accepts silently when decoding into nodes.
func (d *decoder) key(k *yaml.Node, a at, first map[string]*yaml.Node) (string, bool) {
	if k.Kind != yaml.ScalarNode || IsNull(k) {
		d.errorf(k, a, "keys must be strings, got %s", describe(k))
		return "", false
	}
	if k.ShortTag() == "!!merge" {
		// Merge keys would need their own override rules; groups already
		// give a way to share settings, so they are refused, not half-done.
		d.errorf(k, a, "merge keys (<<) are not supported; use group settings or an alias of a whole value")
		return "", false
	}
	if f, dup := first[k.Value]; dup {
		d.errorf(k, a.key(k.Value), "duplicate field (first at %s)", pos(f))
		return "", false
	}
	first[k.Value] = k
	return k.Value, true
}

// seq returns the items of list n. A missing or null list reads as empty.
func (d *decoder) seq(n *yaml.Node, a at) []*yaml.Node {
	n = Deref(n)
	if IsNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, a, "must be a list, got %s", describe(n))
		return nil
	}
	return n.Content
}

// pos renders a node's position for messages that point at a second place,
// such as the first of two duplicates.
func pos(n *yaml.Node) string {
	return fmt.Sprintf("line %d, column %d", n.Line, n.Column)
}

// settled reports whether a field can take part in a cross-field check:
// it decoded, or it is absent and its default stands. A field that failed
// to decode was reported already; checking its default against another
// field would only add a confusing second error.
func settled[T any](f map[string]*yaml.Node, key string, v *T) bool {
	_, set := f[key]
	return v != nil || !set
}

// orAt picks where to report something that is missing: the node that
// should have held it if there is one, else its parent.
func orAt(n, parent *yaml.Node) *yaml.Node {
	if n = Deref(n); n != nil && n.Line > 0 {
		return n
	}
	return parent
}

// lookup returns the value of key in mapping n, nil when n is not a
// mapping or has no such key: for cross-checks that report at a field
// decoded earlier.
func lookup(n *yaml.Node, key string) *yaml.Node {
	n = Deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := Deref(n.Content[i]); k.Kind == yaml.ScalarNode && k.Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
