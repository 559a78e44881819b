package render

import (
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/provenance"
)

// TestVersion_StampOfBuildInfo: without ldflags, the version, commit and
// date come from the Go build info (provenance.Self).
func TestVersion_StampOfBuildInfo(t *testing.T) {
	at := time.Date(2026, 12, 6, 20, 30, 0, 0, time.UTC)
	rev := "555b5da0c0de1234567890abcdef1234567890ab"
	for _, tc := range []struct {
		name string
		p    provenance.Provenance
		want Stamp
	}{
		{"go install of a tag", provenance.Provenance{Version: "v0.3.0"}, Stamp{"v0.3.0", "none", "unknown"}},
		{"go install @latest of an untagged commit", provenance.Provenance{Version: "v0.0.0-20261206203000-555b5da0c0de"},
			Stamp{"v0.0.0-20261206203000-555b5da0c0de", "none", "unknown"}},
		{"go build in a clean checkout", provenance.Provenance{Version: "v0.0.0-20261206203000-555b5da0c0de", VCSRevision: rev, VCSTime: at},
			Stamp{"v0.0.0-20261206203000-555b5da0c0de", "555b5da", "2026-12-06T20:30:00Z"}},
		{"go build with uncommitted changes", provenance.Provenance{Version: "v0.0.0-20261206203000-555b5da0c0de+dirty", VCSRevision: rev, VCSTime: at, VCSModified: true},
			Stamp{"v0.0.0-20261206203000-555b5da0c0de+dirty", "555b5da (dirty)", "2026-12-06T20:30:00Z"}},
		{"no version, no vcs (-buildvcs=false)", provenance.Provenance{Version: "(devel)", VCSModified: true}, Stamp{"dev", "none", "unknown"}},
		{"empty", provenance.Provenance{}, Stamp{"dev", "none", "unknown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := StampOf(tc.p); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestVersion_String: the line fleet version prints; a stamp set at build
// time is printed as it is.
func TestVersion_String(t *testing.T) {
	s := Stamp{"v0.3.0", "555b5da (dirty)", "2026-12-06T20:30:00Z"}
	want := "fleet v0.3.0 (commit 555b5da (dirty), built 2026-12-06T20:30:00Z, "
	if got := s.String(); !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want prefix %q", got, want)
	}
	if got := Version(s); got != s.String() {
		t.Errorf("Version = %q, want %q", got, s.String())
	}
}
