package agent

import (
	"fmt"

	"github.com/fleetdeploy/fleet/appspec"
)

// The agent runs as root and builds paths from what the controller sends,
// so every name it receives is checked before it touches the filesystem,
// systemd or exec. The rules are package appspec's, the same the
// inventory applies when it is loaded; this file only names the value in
// the message.

// ValidateVersion reports whether v can name a release (appspec.Version):
// [A-Za-z0-9][A-Za-z0-9._+-]*, at most 128 bytes, no "..". That rules out
// '/', NUL, whitespace and every shell metacharacter, and versions can
// never collide with the agent's own dot-prefixed temporary names.
func ValidateVersion(v string) error {
	return named("version", v, appspec.Version(v))
}

// ValidateUnitName checks a unit name with systemd's rules
// (appspec.Unit): [A-Za-z0-9:_.@-] plus \xNN escapes, a known type
// suffix, at most one '@' with a name and an instance, at most 255 bytes,
// no leading '-', so a name can never read as a flag.
func ValidateUnitName(name string) error {
	return named("unit", name, appspec.Unit(name))
}

// named puts what and the value (clipped: it may be up to a request line
// long) in front of a rule's error; nil stays nil.
func named(what, v string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %.64q: %w", what, v, err)
}

// validateSHA256 requires 64 lower-case hex digits, the form sha256sum prints.
func validateSHA256(s string) error {
	if len(s) != 64 {
		return fmt.Errorf("sha256 %q: want 64 hex digits", s)
	}
	for i := 0; i < len(s); i++ {
		if !isLowerHex(s[i]) {
			return fmt.Errorf("sha256 %q: want lower-case hex", s)
		}
	}
	return nil
}

// ValidateChangeNote is the rule for a change note (Holder.ChangeNote):
// free text of at most 4096 bytes (appspec.MaxText) without NUL.
func ValidateChangeNote(s string) error {
	return validateFreeText("change note", s)
}

// validateFreeText bounds text that ends up in the lock file, the journal
// and Consul (appspec.Text).
func validateFreeText(what, s string) error {
	if err := appspec.Text(s); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func isLowerHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f'
}
