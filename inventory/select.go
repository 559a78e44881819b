package inventory

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Select returns the hosts that match both limit and selector, in
// inventory order. Either may be empty; both empty selects every host.
//
// limit is a pattern in FleetPatterns syntax: comma-separated terms, any
// of which may match: a host name, a glob over host names (path.Match
// syntax), "@group" (a group name or glob over group names), a bare group
// name, "~regex" or "all"; "&term" and "!term" narrow the union, as in
// Ansible (see PatternSyntax). selector is a
// comma-separated list of label terms that must all hold: "k=v", "k!=v" or
// "k" (has the label).
//
// Typos are errors rather than smaller rollouts: a limit term that matches
// nothing, a selector naming a label no host has, or a selection that is
// empty. The returned hosts are copies; changing them leaves inv alone.
func (inv *Inventory) Select(limit, selector string) ([]Host, error) {
	terms, err := parseSelector(selector)
	if err != nil {
		return nil, err
	}
	if err := inv.checkLabelKeys(terms); err != nil {
		return nil, err
	}
	allowed, err := inv.limitHosts(limit)
	if err != nil {
		return nil, err
	}
	var out []Host
	for _, h := range inv.Hosts {
		if allowed != nil && !allowed[h.Name] {
			continue
		}
		if !matchesAll(terms, h.Labels) {
			continue
		}
		out = append(out, cloneHost(h))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no host matches limit %q and selector %q", limit, selector)
	}
	return out, nil
}

// splitList splits a comma-separated flag value, dropping empty items so
// "a,,b" and a trailing comma are harmless.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// limitHosts resolves limit to a set of host names; nil means no limit.
func (inv *Inventory) limitHosts(limit string) (map[string]bool, error) {
	if len(splitList(limit)) == 0 {
		return nil, nil
	}
	names, err := inv.HostSet().Select(limit, FleetPatterns)
	if err != nil {
		return nil, err
	}
	return setOf(names), nil
}

// HostSet is the inventory's hosts and groups, for patterns: a group
// holds its hosts in inventory order.
func (inv *Inventory) HostSet() HostSet {
	s := HostSet{Hosts: make([]string, 0, len(inv.Hosts))}
	index := map[string]int{}
	addGroup := func(name string) int {
		i, ok := index[name]
		if !ok {
			i = len(s.Groups)
			index[name] = i
			s.Groups = append(s.Groups, HostGroup{Name: name})
		}
		return i
	}
	for _, g := range inv.Groups {
		addGroup(g)
	}
	for _, h := range inv.Hosts {
		s.Hosts = append(s.Hosts, h.Name)
		if h.Group != "" {
			i := addGroup(h.Group)
			s.Groups[i].Hosts = append(s.Groups[i].Hosts, h.Name)
		}
	}
	return s
}

// labelTerm is one selector term.
type labelTerm struct {
	key, value string
	op         string // "=", "!=" or "" for "has the label"
}

func (t labelTerm) matches(labels map[string]string) bool {
	v, ok := labels[t.key]
	switch t.op {
	case "=":
		return ok && v == t.value
	case "!=":
		return !ok || v != t.value
	}
	return ok
}

func matchesAll(terms []labelTerm, labels map[string]string) bool {
	for _, t := range terms {
		if !t.matches(labels) {
			return false
		}
	}
	return true
}

func parseSelector(selector string) ([]labelTerm, error) {
	var terms []labelTerm
	for _, s := range splitList(selector) {
		var t labelTerm
		if k, v, ok := strings.Cut(s, "!="); ok {
			t = labelTerm{key: k, value: v, op: "!="}
		} else if k, v, ok := strings.Cut(s, "="); ok {
			t = labelTerm{key: k, value: v, op: "="}
		} else {
			t = labelTerm{key: s}
		}
		t.key, t.value = strings.TrimSpace(t.key), strings.TrimSpace(t.value)
		if err := validLabelKey(t.key); err != nil {
			return nil, fmt.Errorf("selector term %q: label name %w", s, err)
		}
		if err := validLabelValue(t.value); err != nil {
			return nil, fmt.Errorf("selector term %q: label value %w", s, err)
		}
		terms = append(terms, t)
	}
	return terms, nil
}

// checkLabelKeys refuses a selector naming a label no host has: with
// "tier!=db" a misspelt key would otherwise select every host.
func (inv *Inventory) checkLabelKeys(terms []labelTerm) error {
	for _, t := range terms {
		found := slices.ContainsFunc(inv.Hosts, func(h Host) bool {
			_, ok := h.Labels[t.key]
			return ok
		})
		if !found {
			return fmt.Errorf("selector: no host has label %q", t.key)
		}
	}
	return nil
}

func cloneHost(h Host) Host {
	h.Labels = maps.Clone(h.Labels)
	h.SSH.IdentityFiles = slices.Clone(h.SSH.IdentityFiles)
	return h
}
