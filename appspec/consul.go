package appspec

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// The service meta keys fleet sets on every instance it registers. The
// last three are package provenance's (Meta): set when known.
const (
	MetaVersion    = "version"
	MetaSHA256     = "sha256"
	MetaRollout    = "fleet_rollout"
	MetaRevision   = "revision"
	MetaDirty      = "dirty"
	MetaChangeNote = "change_note"
)

// Consul's limits on service names and meta.
const (
	MaxService      = 63 // one DNS label
	MaxMetaPairs    = 64
	MaxMetaKey      = 128
	MaxMetaValue    = 512
	MinDeregister   = time.Minute // Consul raises shorter values to it
	reservedMetaNum = 6
)

func reservedMeta() []string {
	return []string{MetaVersion, MetaSHA256, MetaRollout, MetaRevision, MetaDirty, MetaChangeNote}
}

// ServiceName is the rule for the Consul service: one DNS label (letters,
// digits and '-'), since Consul DNS is how most clients find it.
func ServiceName(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	if len(s) > MaxService {
		return fmt.Errorf("must be at most %d characters (one DNS label)", MaxService)
	}
	if r, bad := firstBad(s, func(r rune) bool { return isAlnum(r) || r == '-' }); bad {
		return fmt.Errorf("must not contain %q (Consul DNS allows letters, digits and '-')", r)
	}
	if s[0] == '-' || s[len(s)-1] == '-' {
		return errors.New("must not start or end with '-'")
	}
	return nil
}

// Tag is the rule for a Consul tag: not empty, no space or control
// character, at most MaxText bytes.
func Tag(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }); i >= 0 {
		return fmt.Errorf("must not contain %q", []rune(s[i:])[0])
	}
	return Text(s)
}

// MetaPairs is the rule for the number of service meta pairs the spec
// sets: Consul's limit, less the keys fleet sets itself.
func MetaPairs(n int) error {
	if n > MaxMetaPairs-reservedMetaNum {
		return fmt.Errorf("has %d keys; Consul allows %d and fleet sets %d itself", n, MaxMetaPairs, reservedMetaNum)
	}
	return nil
}

// MetaKey is Consul's rule for service meta keys, keeping fleet's own
// keys for fleet.
func MetaKey(s string) error {
	if slices.Contains(reservedMeta(), s) {
		return fmt.Errorf("is reserved: fleet sets %s itself", strings.Join(reservedMeta(), ", "))
	}
	if s == "" {
		return errors.New("must not be empty")
	}
	if len(s) > MaxMetaKey {
		return fmt.Errorf("must be at most %d characters", MaxMetaKey)
	}
	if r, bad := firstBad(s, func(r rune) bool { return isAlnum(r) || r == '_' || r == '-' }); bad {
		return fmt.Errorf("must not contain %q (Consul allows letters, digits, '_' and '-')", r)
	}
	if strings.HasPrefix(s, "consul-") {
		return errors.New("must not start with consul-, which Consul reserves")
	}
	return nil
}

// MetaValue is Consul's rule for a service meta value.
func MetaValue(s string) error {
	if len(s) > MaxMetaValue {
		return fmt.Errorf("must be at most %d characters", MaxMetaValue)
	}
	return Text(s)
}

// Token is the rule for a Consul ACL token: printable ASCII, at most
// MaxText bytes. The message never shows the token.
func Token(s string) error {
	if len(s) > MaxText {
		return fmt.Errorf("must be at most %d characters", MaxText)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return errors.New("must be printable ASCII without spaces")
		}
	}
	return nil
}

// DeregisterAfter is the rule for consul.deregister_critical_after: 0
// (never), or at least Consul's floor of 1m and at least the health
// deadline, so Consul cannot reap an instance while its gate runs (its
// checks are critical until then).
func DeregisterAfter(d, deadline time.Duration) error {
	if d == 0 {
		return nil
	}
	if d < MinDeregister {
		return fmt.Errorf("must be 0 (never) or at least 1m; Consul raises shorter values to 1m, got %s", d)
	}
	if d < deadline {
		return fmt.Errorf("must be 0 (never) or at least the health deadline %s, or Consul could remove an instance while its gate runs, got %s", deadline, d)
	}
	return nil
}
