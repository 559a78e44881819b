package ansible

import (
	"fmt"
	"strings"
	"unicode"
)

// The implicit groups every Ansible inventory has: all holds every host
// and group; ungrouped holds the hosts that are in no other group.
const (
	All       = "all"
	Ungrouped = "ungrouped"
)

const (
	// maxHosts bounds one file, so a run of large ranges cannot exhaust memory.
	maxHosts = 100000
	// maxExpanded bounds the names all patterns of a file expand to,
	// counting repeats, so lines or aliases repeating a large range
	// cannot make parsing slow.
	maxExpanded = 300000
)

// value is a variable as written: its text and where it was set.
type value struct {
	text  string
	at    pos
	vault bool // a YAML !vault value: text is ciphertext
}

// group is a group as the file describes it, before resolution.
type group struct {
	name     string
	declared bool // by a section or a YAML key, not only named in a list
	children []edge
	hosts    []string // its own hosts, in the order they were added, as Ansible keeps them
	vars     map[string]value
	priority *value // ansible_group_priority, which is not a variable
}

// edge makes child a child group of the group holding it.
type edge struct {
	child string
	at    pos
}

// host is a host as the file describes it: its direct groups and its own
// variables, merged over every place it appears, later ones winning.
type host struct {
	name   string
	at     pos // first definition
	groups []string
	vars   map[string]value
}

// ref is a group an INI file names, which it must also declare.
type ref struct {
	name string
	at   pos
	msg  string
}

// builder collects what the INI or YAML reader finds; resolve then turns
// it into hosts.
type builder struct {
	errs
	groups    map[string]*group
	groupList []*group
	hosts     map[string]*host
	hostList  []*host
	refs      []ref
	details   map[string]*detail // by host name, filled by resolve
	full      bool               // maxHosts was reached and reported
	expanded  int                // names the host patterns expanded to so far
}

func newBuilder(file string) *builder {
	b := &builder{errs: errs{file: file}, groups: map[string]*group{}, hosts: map[string]*host{}, details: map[string]*detail{}}
	b.declare(All)
	b.declare(Ungrouped)
	b.addChild(All, Ungrouped, pos{}) // as Ansible creates them
	return b
}

// group returns the group called name, creating it on first mention.
func (b *builder) group(name string) *group {
	g, ok := b.groups[name]
	if !ok {
		g = &group{name: name, vars: map[string]value{}}
		b.groups[name] = g
		b.groupList = append(b.groupList, g)
	}
	return g
}

func (b *builder) declare(name string) *group {
	g := b.group(name)
	g.declared = true
	return g
}

func (b *builder) addChild(parent, child string, at pos) {
	p := b.group(parent)
	b.group(child)
	for _, e := range p.children {
		if e.child == child {
			return
		}
	}
	p.children = append(p.children, edge{child: child, at: at})
}

// addHost puts host name in group g, creating it on first mention; it
// returns nil when the name is unusable or the file has too many hosts.
func (b *builder) addHost(name, g string, at pos) *host {
	if err := validHostName(name); err != nil {
		b.add(at, "host name %q %s", name, err)
		return nil
	}
	h, ok := b.hosts[name]
	if !ok {
		if len(b.hostList) == maxHosts {
			if !b.full {
				b.add(at, "more than %d hosts; fleet reads at most that many from one inventory", maxHosts)
				b.full = true
			}
			return nil
		}
		h = &host{name: name, at: at, vars: map[string]value{}}
		b.hosts[name] = h
		b.hostList = append(b.hostList, h)
	}
	grp := b.group(g)
	for _, have := range h.groups {
		if have == g {
			return h
		}
	}
	h.groups = append(h.groups, g)
	grp.hosts = append(grp.hosts, name)
	return h
}

// pattern expands a host pattern (see hostPattern), reporting problems
// at at; ok is false when there is nothing to add.
func (b *builder) pattern(p string, at pos) (names []string, port string, ok bool) {
	names, port, err := hostPattern(p)
	if err != nil {
		b.add(at, "%s", err)
		return nil, "", false
	}
	if b.expanded += len(names); b.expanded > maxExpanded {
		if b.expanded-len(names) <= maxExpanded {
			b.add(at, "host patterns expand to more than %d names in all", maxExpanded)
		}
		return nil, "", false
	}
	return names, port, true
}

// setGroupVar sets a group variable. ansible_group_priority is kept
// aside: Ansible uses it to order groups and never shows it as a variable.
func (b *builder) setGroupVar(g *group, k string, v value) {
	if k == "ansible_group_priority" {
		g.priority = &v
		return
	}
	g.vars[k] = v
}

func validHostName(s string) error {
	if s == "" {
		return fmt.Errorf("must not be empty")
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }); i >= 0 {
		return fmt.Errorf("must not contain %q", []rune(s[i:])[0])
	}
	return nil
}
