package inventory

import (
	"fmt"
	"regexp"
	"strconv"
)

// ansibleSubscript is Ansible's PATTERN_WITH_SUBSCRIPT: a term ending in
// [i] (i may be negative), [i:j], [i:] or the removed [i-j].
var ansibleSubscript = regexp.MustCompile(`^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$`)

// subscript is a term's [i] or [i:j]; a zero value selects everything.
type subscript struct {
	set     bool
	start   int
	end     int  // -1 for [i:], to the last
	isRange bool // [i:j] rather than [i]
}

// splitSubscript separates a term's subscript from its expression, as
// Ansible's _split_subscript does; a regex has none. [i-j] is refused:
// Ansible reads it as [i:j] with a warning that it was removed, while a
// reader of the pattern may well take it for a glob's class.
func splitSubscript(t term) (string, subscript, error) {
	m := ansibleSubscript.FindStringSubmatch(t.expr)
	if t.expr[0] == '~' || m == nil {
		return t.expr, subscript{}, nil
	}
	expr, idx, start, sep, end := m[1], m[2], m[3], m[4], m[5]
	if idx != "" {
		i, err := strconv.Atoi(idx)
		if err != nil {
			return "", subscript{}, badTerm(t, "bad position", err)
		}
		return expr, subscript{set: true, start: i}, nil
	}
	if sep == "-" {
		return "", subscript{}, badTerm(t, fmt.Sprintf("uses [%s-%s], which Ansible reads as the slice [%s:%s] and calls removed: "+
			"write %s[%s:%s] for positions %s to %s, or ~%s[%s-%s] for names (a regex)",
			start, end, start, end, expr, start, end, start, end, expr, start, end), nil)
	}
	s, err1 := strconv.Atoi(start)
	e := -1
	var err2 error
	if end != "" {
		e, err2 = strconv.Atoi(end)
	}
	if err1 != nil || err2 != nil {
		return "", subscript{}, badTerm(t, "bad slice", fmt.Errorf("%w%w", err1, err2))
	}
	return expr, subscript{set: true, start: s, end: e, isRange: true}, nil
}

// apply takes the subscript's hosts out of what expr matched, as
// Ansible's _apply_subscript does: [i:j] is inclusive of j and clipped
// to the hosts there are; [i] may count from the end with -1; and, as in
// Ansible, [i:0] is [i]. Selecting nothing is an error here, where
// Ansible would select no host or fail only for [i].
func (s subscript) apply(t term, expr string, hosts []string) ([]string, error) {
	if !s.set {
		return hosts, nil
	}
	n := len(hosts)
	where := fmt.Sprintf("matches no host: %s matches %d (positions 0 to %d)", expr, n, n-1)
	if !s.isRange || s.end == 0 {
		i := s.start
		if i < 0 {
			i += n
		}
		if i < 0 || i >= n {
			return nil, noMatch(t, where)
		}
		return hosts[i : i+1], nil
	}
	end := s.end
	if end == -1 {
		end = n - 1
	}
	lo, hi := min(s.start, n), min(end+1, n)
	if lo >= hi {
		return nil, noMatch(t, where)
	}
	return hosts[lo:hi], nil
}
