package inventory

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxName bounds names that become file and directory names on hosts.
const maxName = 128

// ValidName is the one rule for names that end up in paths and commands on
// hosts: the app, its binary, hosts, groups and release versions. It allows
// [A-Za-z0-9][A-Za-z0-9._+-]*, at most 128 bytes, so a name can never be
// ".", "..", contain '/', NUL, whitespace or anything a shell interprets.
func ValidName(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	if len(s) > maxName {
		return fmt.Errorf("must be at most %d characters", maxName)
	}
	if r, bad := firstBad(s, isNameChar); bad {
		return fmt.Errorf("must not contain %q", r)
	}
	if !isAlnum(rune(s[0])) {
		return errors.New("must start with a letter or digit")
	}
	return nil
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

func isNameChar(r rune) bool {
	return isAlnum(r) || strings.ContainsRune("._+-", r)
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
// rule is as tight as ValidName but lets a name start with '_'.
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

// unitTypes are the suffixes systemd gives unit names.
var unitTypes = []string{"service", "socket", "device", "mount", "automount",
	"swap", "target", "path", "timer", "slice", "scope"}

// validUnit applies systemd's unit name rules, so a typo fails here rather
// than as a D-Bus error halfway through a rollout.
func validUnit(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	if len(s) > 255 {
		return errors.New("must be at most 255 characters")
	}
	if r, bad := firstBad(s, func(r rune) bool { return isAlnum(r) || strings.ContainsRune(":_.@\\-", r) }); bad {
		return fmt.Errorf("must not contain %q", r)
	}
	dot := strings.LastIndexByte(s, '.')
	if dot <= 0 || !slices.Contains(unitTypes, s[dot+1:]) {
		return fmt.Errorf("must end in a unit type such as .service, got %q", s)
	}
	if strings.HasSuffix(s[:dot], "@") {
		// A template cannot be restarted; only its instances can.
		return fmt.Errorf("is a template; name an instance such as %s1%s", s[:dot], s[dot:])
	}
	return nil
}
