package inventory

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxName bounds user names and labels, as appspec.MaxName bounds the
// names that become paths on hosts (app, binary, versions, hosts, groups:
// appspec.Name).
const maxName = 128

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// firstBad returns the first rune of s that ok refuses. Invalid UTF-8
// comes back as utf8.RuneError, which no rule accepts.
func firstBad(s string, ok func(rune) bool) (rune, bool) {
	for _, r := range s {
		if r == utf8.RuneError || !ok(r) {
			return r, true
		}
	}
	return 0, false
}

// validUser accepts POSIX-style user names. They reach ssh and sudo, so the
// rule is as tight as appspec.Name but lets a name start with '_'.
func validUser(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	if len(s) > maxName {
		return fmt.Errorf("must be at most %d characters", maxName)
	}
	if r, bad := firstBad(s, func(r rune) bool { return isAlnum(r) || strings.ContainsRune("._-", r) }); bad {
		return fmt.Errorf("must not contain %q", r)
	}
	if s[0] == '-' || s[0] == '.' {
		return errors.New("must start with a letter, digit or '_'")
	}
	return nil
}
