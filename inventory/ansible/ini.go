package ansible

import (
	"github.com/fleetdeploy/fleet/inventory"

	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Ansible's INI grammar: a section header is [name] or [name:kind] with a
// name free of ':', ']' and whitespace, then optionally a # comment; a
// child group line is such a name alone.
var (
	sectionRe   = regexp.MustCompile(`^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$`)
	groupLineRe = regexp.MustCompile(`^([^:\]\s]+)\s*(?:#.*)?$`)
)

// section kinds, in the order messages list them.
var sectionKinds = []string{"hosts", "vars", "children"}

// iniReader is the state of one pass over an INI inventory.
type iniReader struct {
	b     *builder
	group string // the current section's group
	kind  string // hosts, vars, children, or "" after a bad header
}

// parseINI reads an INI inventory into b. Lines before the first section
// hold ungrouped hosts, as in Ansible.
func parseINI(b *builder, data string) {
	r := &iniReader{b: b, group: Ungrouped, kind: "hosts"}
	for i, raw := range strings.Split(data, "\n") {
		at := pos{line: i + 1}
		line := strings.TrimSpace(raw)
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[' && (sectionRe.MatchString(line) || line[len(line)-1] == ']'):
			r.section(line, at)
		case r.kind == "hosts":
			r.hosts(line, at)
		case r.kind == "vars":
			r.vars(line, at)
		case r.kind == "children":
			r.child(line, at)
		}
	}
}

func (r *iniReader) section(line string, at pos) {
	m := sectionRe.FindStringSubmatch(line)
	if m == nil {
		r.b.add(at, "invalid section header %s: want [group], [group:vars] or [group:children], with no spaces in the name", line)
		r.kind = ""
		return
	}
	name, kind := m[1], m[2]
	if kind == "" {
		kind = "hosts"
	}
	if !slices.Contains(sectionKinds, kind) {
		r.b.add(at, "section [%s:%s] has unknown kind %q%s; want [%s], [%s:vars] or [%s:children]",
			name, kind, kind, inventory.Suggest(kind, sectionKinds), name, name, name)
		r.kind = ""
		return
	}
	r.group, r.kind = name, kind
	if kind == "vars" {
		// [g:vars] alone does not define g: Ansible refuses vars for a
		// group that no [g] or [g:children] section declares.
		r.b.group(name)
		r.b.refs = append(r.b.refs, ref{name: name, at: at,
			msg: fmt.Sprintf("section [%s:vars] is for group %s, which no [%s] or [%s:children] section defines", name, name, name, name)})
		return
	}
	r.b.declare(name)
}

// hosts reads "pattern [key=value ...]".
func (r *iniReader) hosts(line string, at pos) {
	tokens, err := shlexSplit(line)
	if err != nil {
		r.b.add(at, "host line %s: %s", line, err)
		return
	}
	if len(tokens) == 0 {
		return // only a comment after all
	}
	names, port, ok := r.b.pattern(tokens[0], at)
	if !ok {
		return
	}
	vars := map[string]value{}
	var keys []string
	for _, t := range tokens[1:] {
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			r.b.add(at, "expected key=value after the host pattern, got %q", t)
			return
		}
		if k == "" {
			r.b.add(at, "expected key=value after the host pattern, got %q: the name is empty", t)
			return
		}
		if _, dup := vars[k]; !dup {
			keys = append(keys, k)
		}
		vars[k] = value{text: pyLiteral(v), at: at}
	}
	for _, name := range names {
		h := r.b.addHost(name, r.group, at)
		if h == nil {
			continue
		}
		// The pattern's :port comes first, so ansible_port on the same
		// line overrides it, as in Ansible.
		if port != "" {
			h.vars["ansible_port"] = value{text: port, at: at}
		}
		for _, k := range keys {
			h.vars[k] = vars[k]
		}
	}
}

// vars reads "key=value" in a [group:vars] section. As in Ansible, the
// value is the rest of the line, trimmed; a trailing # comment is dropped
// only after a Python literal (see pyLiteral).
func (r *iniReader) vars(line string, at pos) {
	k, v, ok := strings.Cut(line, "=")
	if !ok {
		r.b.add(at, "expected key=value in [%s:vars], got %q", r.group, line)
		return
	}
	k = strings.TrimSpace(k)
	if k == "" {
		r.b.add(at, "expected key=value in [%s:vars], got %q: the name is empty", r.group, line)
		return
	}
	r.b.setGroupVar(r.b.group(r.group), k, value{text: pyLiteral(v), at: at})
}

// child reads a group name in a [group:children] section. The child must
// be declared somewhere in the file, before or after, as Ansible requires.
func (r *iniReader) child(line string, at pos) {
	m := groupLineRe.FindStringSubmatch(line)
	if m == nil {
		r.b.add(at, "expected a group name in [%s:children], got %q", r.group, line)
		return
	}
	name := m[1]
	r.b.addChild(r.group, name, at)
	r.b.refs = append(r.b.refs, ref{name: name, at: at,
		msg: fmt.Sprintf("[%s:children] lists group %s, which no [%s] or [%s:children] section defines", r.group, name, name, name)})
}
