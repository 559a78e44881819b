package inventory

import (
	"errors"
	"slices"
	"strings"
)

// PatternSyntax says how the terms of a --limit pattern are read. Both
// syntaxes share Ansible's operators: terms are separated by commas (or
// by ':' when there is no comma), "&t" keeps only hosts t also matches,
// "!t" removes the hosts t matches, and they apply in Ansible's order:
// first every plain term (a union), then every "&", then every "!",
// wherever they are written. A pattern of only "&" and "!" terms starts
// from every host. "~re" matches names by regular expression from their
// start, as Python's re.match does.
type PatternSyntax int

const (
	// FleetPatterns reads terms the way fleet.yaml always has: a host
	// name or group name, a glob over host names (path.Match), "@g" for
	// the groups whose names match g, "~re" over host names, and "all".
	// Brackets are a glob's character class: web[12] is web1 and web2.
	// Ansible's slices, web[0:2], are refused with a hint rather than
	// read as a character class that can only match by accident.
	FleetPatterns PatternSyntax = iota
	// AnsiblePatterns reads terms as ansible --limit does: a term
	// matches group names (then their hosts, children included) and, if
	// no group matched or the term is a glob (. ? * [) or a regex, host
	// names; an exact host name is that host alone; globs are fnmatch's;
	// t[i] and t[i:j] take positions i, or i to j inclusive, of what t
	// matches, in the group's order. "@g" is fleet's: the groups g
	// matches (Ansible's --limit @file is not read).
	AnsiblePatterns
)

// HostSet is what a pattern selects from.
type HostSet struct {
	Hosts  []string    // every host, in inventory order
	Groups []HostGroup // every group, in inventory order
}

// HostGroup is one group of a HostSet.
type HostGroup struct {
	Name string
	// Hosts are the group's hosts, its children's included, in the
	// order a slice such as web[0:2] counts them.
	Hosts []string
}

// Select returns the names of the hosts pattern selects, in s.Hosts
// order. "" selects every host. Every term that selects no host is an
// error, named in it, as is a pattern that selects nothing: a typo must
// not become a smaller, or larger, rollout.
func (s HostSet) Select(pattern string, syntax PatternSyntax) ([]string, error) {
	if strings.TrimSpace(pattern) == "" {
		return slices.Clone(s.Hosts), nil
	}
	terms := orderTerms(splitPattern(pattern))
	m := matcher{set: s, syntax: syntax}
	var (
		chosen []string
		in     = map[string]bool{}
		errs   []error
		isHost = s.hostIndex()
	)
	for _, t := range terms {
		that, err := m.term(t, isHost)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch t.op {
		case '&':
			keep := setOf(that)
			chosen = slices.DeleteFunc(chosen, func(h string) bool { return !keep[h] })
		case '!':
			drop := setOf(that)
			chosen = slices.DeleteFunc(chosen, func(h string) bool { return drop[h] })
		default:
			for _, h := range that {
				if !in[h] {
					in[h] = true
					chosen = append(chosen, h)
				}
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(chosen) == 0 {
		return nil, &PatternError{Pattern: pattern, Err: ErrNoMatch, Msg: "selects no host"}
	}
	keep := setOf(chosen)
	return slices.DeleteFunc(slices.Clone(s.Hosts), func(h string) bool { return !keep[h] }), nil
}

func (s HostSet) hostIndex() map[string]bool { return setOf(s.Hosts) }

func setOf(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// term is one term of a pattern.
type term struct {
	text  string // as written, operator included
	op    byte   // '&', '!' or 0
	expr  string // without the operator
	every bool   // the "all" Ansible puts first when there is no plain term
}

// orderTerms puts the terms in the order Ansible applies them (its
// order_patterns): plain ones, then '&', then '!'; with no plain term,
// "all" comes first.
func orderTerms(texts []string) []term {
	var plain, and, not []term
	for _, s := range texts {
		t := term{text: s, expr: s}
		switch s[0] {
		case '&', '!':
			t.op, t.expr = s[0], s[1:]
		}
		switch t.op {
		case '&':
			and = append(and, t)
		case '!':
			not = append(not, t)
		default:
			plain = append(plain, t)
		}
	}
	if len(plain) == 0 {
		plain = []term{{text: "all", expr: "all", every: true}}
	}
	return slices.Concat(plain, and, not)
}
