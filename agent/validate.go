package agent

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// The agent runs as root and builds paths from what the controller sends,
// so every name it receives is checked here against a whitelist before it
// touches the filesystem, systemd or exec.

const (
	maxVersionLen  = 128
	maxNameLen     = 255
	maxRootLen     = 1024
	maxFreeTextLen = 4096
)

// ValidateVersion reports whether v can name a release: it must match
// [A-Za-z0-9][A-Za-z0-9._+-]* and be at most 128 bytes, and it may not
// contain "..". That rules out '/', NUL, whitespace and every shell
// metacharacter, and versions can never collide with the agent's own
// dot-prefixed temporary names.
func ValidateVersion(v string) error {
	if v == "" {
		return errors.New("version is empty")
	}
	if len(v) > maxVersionLen {
		return fmt.Errorf("version %.20q...: longer than %d bytes", v, maxVersionLen)
	}
	if !isAlnum(v[0]) {
		return fmt.Errorf("version %q: must start with a letter or digit", v)
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !isAlnum(c) && c != '.' && c != '_' && c != '+' && c != '-' {
			return fmt.Errorf("version %q: byte %q not allowed (only A-Z a-z 0-9 . _ + -)", v, c)
		}
	}
	if strings.Contains(v, "..") {
		return fmt.Errorf("version %q: must not contain \"..\"", v)
	}
	return nil
}

// validateName checks a single path component (app name, binary name, a
// component of root): letters, digits, '.', '_', '+', '@', '-', not
// starting with '.' or '-', at most 255 bytes.
func validateName(what, s string) error {
	if s == "" {
		return fmt.Errorf("%s is empty", what)
	}
	if len(s) > maxNameLen {
		return fmt.Errorf("%s: longer than %d bytes", what, maxNameLen)
	}
	if s[0] == '.' || s[0] == '-' {
		return fmt.Errorf("%s %q: must not start with '.' or '-'", what, s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && !strings.ContainsRune("._+@-", rune(c)) {
			return fmt.Errorf("%s %q: byte %q not allowed", what, s, c)
		}
	}
	return nil
}

// validateRoot requires an absolute, clean path other than "/", made of
// names validateName accepts.
func validateRoot(root string) error {
	if len(root) > maxRootLen {
		return fmt.Errorf("root: longer than %d bytes", maxRootLen)
	}
	if !filepath.IsAbs(root) || filepath.Clean(root) != root || root == "/" {
		return fmt.Errorf("root %q: must be an absolute, clean path other than /", root)
	}
	for _, part := range strings.Split(root[1:], "/") {
		if err := validateName("root component", part); err != nil {
			return fmt.Errorf("root %q: %w", root, err)
		}
	}
	return nil
}

// ValidateUnitName checks systemd's unit name rules: [A-Za-z0-9:_.\-@]
// plus \xNN escapes, a known type suffix, at most one '@' with a prefix
// and an instance (a bare template cannot be restarted), at most 255
// bytes. A leading '-' is refused too, so a name can never read as a flag.
func ValidateUnitName(name string) error {
	if len(name) > maxNameLen {
		return fmt.Errorf("unit %.20q...: longer than %d bytes", name, maxNameLen)
	}
	stem, ok := cutUnitSuffix(name)
	if !ok || stem == "" {
		return fmt.Errorf("unit %q: want <name>.<type>, type one of service, socket, target, timer, ...", name)
	}
	if stem[0] == '-' {
		return fmt.Errorf("unit %q: must not start with '-'", name)
	}
	if err := checkUnitChars(stem); err != nil {
		return fmt.Errorf("unit %q: %w", name, err)
	}
	if prefix, instance, found := strings.Cut(stem, "@"); found {
		if prefix == "" || instance == "" || strings.Contains(instance, "@") {
			return fmt.Errorf("unit %q: want prefix@instance.type", name)
		}
	}
	return nil
}

// cutUnitSuffix splits off a known unit type suffix.
func cutUnitSuffix(name string) (string, bool) {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return "", false
	}
	switch name[i+1:] {
	case "service", "socket", "target", "timer", "path", "mount",
		"automount", "swap", "slice", "scope", "device":
		return name[:i], true
	}
	return "", false
}

func checkUnitChars(stem string) error {
	for i := 0; i < len(stem); i++ {
		c := stem[i]
		switch {
		case isAlnum(c) || strings.IndexByte(":_.-@", c) >= 0:
		case c == '\\' && i+3 < len(stem) && stem[i+1] == 'x' && isHex(stem[i+2]) && isHex(stem[i+3]):
			i += 3
		default:
			return fmt.Errorf("byte %q not allowed", c)
		}
	}
	return nil
}

// validateSHA256 requires 64 lower-case hex digits, the form sha256sum prints.
func validateSHA256(s string) error {
	if len(s) != 64 {
		return fmt.Errorf("sha256 %q: want 64 hex digits", s)
	}
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) || (s[i] >= 'A' && s[i] <= 'F') {
			return fmt.Errorf("sha256 %q: want lower-case hex", s)
		}
	}
	return nil
}

func validateFreeText(what, s string) error {
	if len(s) > maxFreeTextLen {
		return fmt.Errorf("%s: longer than %d bytes", what, maxFreeTextLen)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("%s: contains NUL", what)
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
