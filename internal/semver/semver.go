// Package semver reads semantic versions (semver.org 2.0.0, with or
// without a leading "v") and says what kind of change one version to
// another is. It is pure and imports only the standard library.
package semver

import (
	"strconv"
	"strings"
)

// Version is a parsed semantic version. Build metadata is kept but never
// compared.
type Version struct {
	Major, Minor, Patch uint64
	Pre                 []string // pre-release identifiers; none for a release
	Build               string
}

// Parse reads s as MAJOR.MINOR.PATCH[-PRE][+BUILD], optionally after a
// "v". ok is false when s is not a semantic version (1.2, 01.2.3,
// 1.2.3-, 1.2.3-01, …).
func Parse(s string) (v Version, ok bool) {
	s = strings.TrimPrefix(s, "v")
	if i := strings.IndexByte(s, '+'); i >= 0 {
		v.Build, s = s[i+1:], s[:i]
		if !identifiers(v.Build, false) {
			return Version{}, false
		}
	}
	if i := strings.IndexByte(s, '-'); i >= 0 {
		pre := s[i+1:]
		s = s[:i]
		if !identifiers(pre, true) {
			return Version{}, false
		}
		v.Pre = strings.Split(pre, ".")
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return Version{}, false
	}
	nums := [3]*uint64{&v.Major, &v.Minor, &v.Patch}
	for i, p := range parts {
		n, ok := number(p)
		if !ok {
			return Version{}, false
		}
		*nums[i] = n
	}
	return v, true
}

// number reads a numeric identifier: digits, no leading zero.
func number(s string) (uint64, bool) {
	if s == "" || len(s) > 1 && s[0] == '0' || strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// identifiers checks dot-separated identifiers of [0-9A-Za-z-], none
// empty; pre-release numeric ones have no leading zero.
func identifiers(s string, pre bool) bool {
	for _, id := range strings.Split(s, ".") {
		if id == "" || strings.ContainsFunc(id, func(r rune) bool {
			return !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r == '-')
		}) {
			return false
		}
		if _, isNum := numeric(id); pre && isNum && len(id) > 1 && id[0] == '0' {
			return false
		}
	}
	return true
}

func numeric(id string) (uint64, bool) {
	if strings.ContainsFunc(id, func(r rune) bool { return r < '0' || r > '9' }) {
		return 0, false
	}
	n, err := strconv.ParseUint(id, 10, 64)
	return n, err == nil
}

// Compare orders a and b by semver.org precedence: -1, 0 or +1. A
// pre-release comes before its release; build metadata is ignored.
func Compare(a, b Version) int {
	for _, d := range [3][2]uint64{{a.Major, b.Major}, {a.Minor, b.Minor}, {a.Patch, b.Patch}} {
		if d[0] != d[1] {
			return cmp(d[0] < d[1])
		}
	}
	switch {
	case len(a.Pre) == 0 && len(b.Pre) == 0:
		return 0
	case len(a.Pre) == 0:
		return 1
	case len(b.Pre) == 0:
		return -1
	}
	for i := 0; i < len(a.Pre) && i < len(b.Pre); i++ {
		if c := compareIdentifier(a.Pre[i], b.Pre[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(a.Pre) < len(b.Pre):
		return -1
	case len(a.Pre) > len(b.Pre):
		return 1
	}
	return 0
}

// compareIdentifier: numeric identifiers compare as numbers and come
// before alphanumeric ones, which compare in ASCII order.
func compareIdentifier(a, b string) int {
	na, aNum := numeric(a)
	nb, bNum := numeric(b)
	switch {
	case aNum && bNum:
		if na == nb {
			return 0
		}
		return cmp(na < nb)
	case aNum:
		return -1
	case bNum:
		return 1
	}
	return strings.Compare(a, b)
}

func cmp(less bool) int {
	if less {
		return -1
	}
	return 1
}

// Change is what kind of change going from one version to another is.
type Change string

// The changes, from the largest to the smallest.
const (
	Downgrade Change = "downgrade"  // to comes before from
	NotSemver Change = "not-semver" // either is not a semantic version
	Major     Change = "major"
	Minor     Change = "minor"
	Patch     Change = "patch" // also a pre-release to its release, or between pre-releases of one version
	Same      Change = "same"  // equal precedence (build metadata aside)
)

// Classify says what going from from to to is.
func Classify(from, to string) Change {
	a, okA := Parse(from)
	b, okB := Parse(to)
	switch {
	case !okA || !okB:
		return NotSemver
	case Compare(a, b) > 0:
		return Downgrade
	case Compare(a, b) == 0:
		return Same
	case a.Major != b.Major:
		return Major
	case a.Minor != b.Minor:
		return Minor
	}
	return Patch
}

// rank orders changes for Largest.
var rank = map[Change]int{Same: 1, Patch: 2, Minor: 3, Major: 4, NotSemver: 5, Downgrade: 6}

// Largest is the change that matters most of cs: a downgrade anywhere,
// else not-semver, else the largest step; "" when cs is empty.
func Largest(cs ...Change) Change {
	var out Change
	for _, c := range cs {
		if rank[c] > rank[out] {
			out = c
		}
	}
	return out
}
