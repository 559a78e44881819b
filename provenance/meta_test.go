package provenance_test

import (
	"maps"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/provenance"
)

func TestMeta(t *testing.T) {
	goBinary := provenance.Provenance{GoVersion: "go1.26.8", VCS: "git", VCSRevision: fullRev, VCSModified: true}
	fromFlag := provenance.Provenance{NoBuildInfo: "a script, not a Go binary", VCSRevision: "1a2b3c4", RevisionFrom: provenance.FromFlag}
	cases := []struct {
		name string
		p    provenance.Provenance
		note string
		want map[string]string
	}{
		{"go binary", goBinary, "fix the retry storm",
			map[string]string{"revision": fullRev, "dirty": "true", "change_note": "fix the retry storm"}},
		{"clean", provenance.Provenance{GoVersion: "go1.26.8", VCS: "git", VCSRevision: fullRev}, "",
			map[string]string{"revision": fullRev, "dirty": "false"}},
		{"revision from a flag: dirty unknown", fromFlag, "", map[string]string{"revision": "1a2b3c4"}},
		{"nothing known", provenance.Provenance{NoBuildInfo: "a script, not a Go binary"}, "", map[string]string{}},
		{"note on one line", provenance.Provenance{}, "fix\nthe\tretry\x1b[31m storm\u202e",
			map[string]string{"change_note": "fix the retry [31m storm"}},
	}
	for _, c := range cases {
		if got := provenance.Meta(c.p, c.note); !maps.Equal(got, c.want) {
			t.Errorf("%s: Meta = %q, want %q", c.name, got, c.want)
		}
	}
}

// Consul checks a value's length in bytes: a long note is cut on a UTF-8
// boundary so that it and its "…" fit in 512 bytes.
func TestMeta_NoteTruncation(t *testing.T) {
	cases := []struct {
		name, note string
		wantLen    int // bytes of the value
		truncated  bool
	}{
		{"fits exactly", strings.Repeat("a", 512), 512, false},
		{"one byte over", strings.Repeat("a", 513), 512, true},
		{"two-byte runes", strings.Repeat("é", 300), 508 + 3, true},                  // 254 é + …
		{"three-byte runes", strings.Repeat("€", 200), 507 + 3, true},                // 169 € + …
		{"four-byte runes", strings.Repeat("🚀", 200), 508 + 3, true},                 // 127 🚀 + …
		{"rune across the cut", "a" + strings.Repeat("🚀", 200), 1 + 127*4 + 3, true}, // the cut at 509 falls inside the 128th 🚀
		{"multi-byte that fits", strings.Repeat("é", 256), 512, false},
	}
	for _, c := range cases {
		v := provenance.Meta(provenance.Provenance{}, c.note)[provenance.MetaChangeNote]
		if len(v) != c.wantLen || len(v) > provenance.MaxMetaValue {
			t.Errorf("%s: %d bytes, want %d (at most %d)", c.name, len(v), c.wantLen, provenance.MaxMetaValue)
		}
		if !utf8.ValidString(v) {
			t.Errorf("%s: not valid UTF-8: %q", c.name, v)
		}
		if got := strings.HasSuffix(v, "…"); got != c.truncated {
			t.Errorf("%s: ends with …: %v, want %v", c.name, got, c.truncated)
		}
		if body := strings.TrimSuffix(v, "…"); c.truncated && !strings.HasPrefix(c.note, body) {
			t.Errorf("%s: %q is not a prefix of the note", c.name, body)
		}
		if !c.truncated && v != c.note {
			t.Errorf("%s: changed a note that fits", c.name)
		}
	}
}

// Every key Meta sets passes Consul's rule, and appspec reserves it, so the
// inventory's meta can never collide with it.
func TestMeta_KeysAreConsulKeys(t *testing.T) {
	key := regexp.MustCompile(`^[a-zA-Z0-9_-]+$`) // Consul's metaKeyFormat
	p := provenance.Provenance{GoVersion: "go1.26.8", VCS: "git", VCSRevision: fullRev}
	for k := range provenance.Meta(p, "note") {
		if !key.MatchString(k) || len(k) > provenance.MaxMetaKey || strings.HasPrefix(k, "consul-") {
			t.Errorf("key %q is not a Consul meta key", k)
		}
		if err := appspec.MetaKey(k); err == nil || !strings.Contains(err.Error(), "is reserved") {
			t.Errorf("appspec.MetaKey(%q) = %v, want reserved", k, err)
		}
	}
}

// The limits are defined in appspec for the inventory too; they must agree.
func TestMeta_SameLimitsAsAppspec(t *testing.T) {
	if provenance.MaxMetaPairs != appspec.MaxMetaPairs || provenance.MaxMetaKey != appspec.MaxMetaKey ||
		provenance.MaxMetaValue != appspec.MaxMetaValue {
		t.Errorf("provenance's Consul limits (%d, %d, %d) differ from appspec's (%d, %d, %d)",
			provenance.MaxMetaPairs, provenance.MaxMetaKey, provenance.MaxMetaValue,
			appspec.MaxMetaPairs, appspec.MaxMetaKey, appspec.MaxMetaValue)
	}
}
