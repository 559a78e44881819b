package inventory

import (
	"path"
	"regexp"
	"slices"
	"strings"
)

// matcher finds the hosts one term matches, before its operator applies.
type matcher struct {
	set    HostSet
	syntax PatternSyntax
}

func (m matcher) term(t term, isHost map[string]bool) ([]string, error) {
	if t.expr == "" {
		return nil, badTerm(t, "has nothing after its operator", nil)
	}
	// "all" is every host, unless a fleet.yaml names a host or group so.
	if t.every || t.expr == "all" && !slices.ContainsFunc(m.set.Groups, func(g HostGroup) bool { return g.Name == "all" }) &&
		!slices.Contains(m.set.Hosts, "all") {
		return slices.Clone(m.set.Hosts), nil
	}
	if m.syntax == AnsiblePatterns {
		// Ansible's shortcut: a term that is a host's name is that host,
		// even when a group has the same name.
		if isHost[t.text] {
			return []string{t.text}, nil
		}
		return m.ansible(t)
	}
	return m.fleet(t)
}

// ansible matches one term as Ansible's _match_one_pattern does.
func (m matcher) ansible(t term) ([]string, error) {
	if strings.HasPrefix(t.expr, "@") {
		return m.groups(t, strings.TrimPrefix(t.expr, "@"), fnmatch)
	}
	expr, sub, err := splitSubscript(t)
	if err != nil {
		return nil, err
	}
	match, err := nameMatcher(t, expr, fnmatch)
	if err != nil {
		return nil, err
	}
	var hosts []string
	groupMatched := false
	for _, g := range m.set.Groups {
		if match(g.Name) {
			groupMatched = true
			hosts = append(hosts, g.Hosts...)
		}
	}
	if !groupMatched || expr[0] == '~' || strings.ContainsAny(expr, ".?*[") {
		for _, h := range m.set.Hosts {
			if match(h) {
				hosts = append(hosts, h)
			}
		}
	}
	if len(hosts) == 0 {
		return nil, noMatch(t, "matches no host or group")
	}
	return sub.apply(t, expr, hosts)
}

// fleet matches one term the way fleet.yaml's --limit always has.
func (m matcher) fleet(t term) ([]string, error) {
	expr := t.expr
	switch {
	case strings.HasPrefix(expr, "@"):
		return m.groups(t, expr[1:], pathMatch)
	case ansibleSlice.MatchString(expr) && !strings.HasPrefix(expr, "~"):
		return nil, badTerm(t, "is one of Ansible's slices (positions in a group); a fleet.yaml has none, "+
			"and reads [...] as a glob's character class: name the hosts, or use a class such as web[1-3] for web1 to web3", nil)
	}
	match, err := nameMatcher(t, expr, pathMatch)
	if err != nil {
		return nil, err
	}
	pattern := expr[0] == '~' || strings.ContainsAny(expr, `*?[\`)
	var hosts []string
	for _, h := range m.set.Hosts {
		if match(h) {
			hosts = append(hosts, h)
		}
	}
	if !pattern {
		for _, g := range m.set.Groups {
			if g.Name == expr {
				hosts = append(hosts, g.Hosts...)
			}
		}
	}
	if len(hosts) == 0 {
		msg := "matches no host or group"
		if plainClass.MatchString(expr) {
			msg += "; in a fleet.yaml [...] is a glob's character class, not Ansible's position in a group"
		}
		return nil, noMatch(t, msg)
	}
	return hosts, nil
}

// ansibleSlice is a term ending in what only Ansible's subscripts
// hold, [i:j], [i:] or a negative [-i], which as a glob's class would
// match by accident ("test[1:3]" is test1, test3 and "test:").
var ansibleSlice = regexp.MustCompile(`^.+\[(?:-[0-9]+|[0-9]+:[0-9]*)\]$`)

// plainClass is a term ending in a bracket of digits only, such as
// web[12]: a character class in fleet.yaml, a position in Ansible.
var plainClass = regexp.MustCompile(`^.+\[[0-9]+\]$`)

// groups returns the hosts of the groups whose names match pattern:
// fleet's "@g", in both syntaxes.
func (m matcher) groups(t term, pattern string, kind globFunc) ([]string, error) {
	match, err := nameMatcher(t, pattern, kind)
	if err != nil {
		return nil, err
	}
	var hosts []string
	for _, g := range m.set.Groups {
		if match(g.Name) {
			hosts = append(hosts, g.Hosts...)
		}
	}
	if len(hosts) == 0 {
		return nil, noMatch(t, "matches no group with hosts")
	}
	return hosts, nil
}

// globFunc compiles a glob into a matcher of names.
type globFunc func(glob string) (func(string) bool, error)

// nameMatcher compiles a name pattern: "~re" is a regular expression
// matched from the start of the name (Python's re.match); anything else
// goes through kind, the source's glob.
func nameMatcher(t term, expr string, kind globFunc) (func(string) bool, error) {
	if strings.HasPrefix(expr, "~") {
		re, err := regexp.Compile(`^(?:` + expr[1:] + `)`)
		if err != nil {
			return nil, badTerm(t, "bad pattern (a regular expression in Go's RE2 syntax, without lookaround or backreferences)", err)
		}
		return re.MatchString, nil
	}
	match, err := kind(expr)
	if err != nil {
		return nil, badTerm(t, "bad pattern", err)
	}
	return match, nil
}

// pathMatch is fleet.yaml's glob: path.Match.
func pathMatch(glob string) (func(string) bool, error) {
	if _, err := path.Match(glob, ""); err != nil {
		return nil, err
	}
	return func(name string) bool {
		ok, _ := path.Match(glob, name)
		return ok
	}, nil
}
