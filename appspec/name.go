package appspec

import (
	"errors"
	"fmt"
	"strings"
)

// MaxName bounds names that become file and directory names on hosts.
const MaxName = 128

// ReleaseFile is the file the agent keeps next to the binary in
// releases/<version>/, so the binary may not be named like it.
const ReleaseFile = "release.json"

// Name is the rule for names that end up in paths and commands on hosts:
// the app, its binary and every component of its root (inventory applies
// it to hosts and groups too). It allows [A-Za-z0-9][A-Za-z0-9._+-]*, at
// most 128 bytes, so a name can never be "." or "..", and never holds
// '/', NUL, whitespace or anything a shell interprets.
func Name(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	if len(s) > MaxName {
		return fmt.Errorf("must be at most %d characters", MaxName)
	}
	if r, bad := firstBad(s, isNameChar); bad {
		return fmt.Errorf("must not contain %q", r)
	}
	if !isAlnum(rune(s[0])) {
		return errors.New("must start with a letter or digit")
	}
	return nil
}

func isNameChar(r rune) bool {
	return isAlnum(r) || strings.ContainsRune("._+-", r)
}

// Version names a release, releases/<version>/ on every host: a Name
// without "..". Starting with a letter or digit, it never collides with
// the agent's own dot-prefixed temporary names.
func Version(v string) error {
	if err := Name(v); err != nil {
		return err
	}
	if strings.Contains(v, "..") {
		return errors.New(`must not contain ".."`)
	}
	return nil
}

// Binary names the release binary inside releases/<version>/.
func Binary(s string) error {
	if err := Name(s); err != nil {
		return err
	}
	if s == ReleaseFile {
		return fmt.Errorf("must not be %s, which fleet writes next to the binary", ReleaseFile)
	}
	return nil
}

// SlotName names a slot: a directory (slots/<slot>/) like a Version, and
// the instance of a systemd template unit, whose names cannot hold '+'.
func SlotName(s string) error {
	if err := Version(s); err != nil {
		return err
	}
	if strings.ContainsRune(s, '+') {
		return errors.New("must not contain '+', which systemd unit names cannot hold")
	}
	return nil
}

// MinKeep is the fewest releases prune may keep: two, so the previous
// release survives and a rollback never has to upload again.
const MinKeep = 2

// Keep is the rule for the number of releases kept per host.
func Keep(k int) error {
	if k < MinKeep {
		return fmt.Errorf("must be at least %d, got %d", MinKeep, k)
	}
	return nil
}

// SlotCount is how many slots an app with slots has: one serves while the
// other takes the new version; a third would only hold an older release
// nobody routes to.
const SlotCount = 2
