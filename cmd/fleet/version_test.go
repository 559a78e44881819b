package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersion_StampOfBuildInfo: without ldflags, the version, commit and
// date come from the Go build info.
func TestVersion_StampOfBuildInfo(t *testing.T) {
	vcs := func(rev, time, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "-trimpath", Value: "true"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: time},
			{Key: "vcs.modified", Value: modified},
		}
	}
	for _, tc := range []struct {
		name     string
		main     string
		settings []debug.BuildSetting
		want     stamp
	}{
		{"go install of a tag", "v0.3.0", nil,
			stamp{"v0.3.0", "none", "unknown"}},
		{"go install @latest of an untagged commit", "v0.0.0-20261206203000-555b5da0c0de", nil,
			stamp{"v0.0.0-20261206203000-555b5da0c0de", "none", "unknown"}},
		{"go build in a clean checkout", "v0.0.0-20261206203000-555b5da0c0de",
			vcs("555b5da0c0de1234567890abcdef1234567890ab", "2026-12-06T20:30:00Z", "false"),
			stamp{"v0.0.0-20261206203000-555b5da0c0de", "555b5da", "2026-12-06T20:30:00Z"}},
		{"go build with uncommitted changes", "v0.0.0-20261206203000-555b5da0c0de+dirty",
			vcs("555b5da0c0de1234567890abcdef1234567890ab", "2026-12-06T20:30:00Z", "true"),
			stamp{"v0.0.0-20261206203000-555b5da0c0de+dirty", "555b5da (dirty)", "2026-12-06T20:30:00Z"}},
		{"no version, no vcs (-buildvcs=false)", "(devel)", []debug.BuildSetting{{Key: "vcs.modified", Value: "true"}},
			stamp{"dev", "none", "unknown"}},
		{"empty", "", nil,
			stamp{"dev", "none", "unknown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/fleetdeploy/fleet", Version: tc.main}, Settings: tc.settings}
			if got := stampOf(bi); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestVersion_String: the line fleet version prints.
func TestVersion_String(t *testing.T) {
	got := stamp{"v0.3.0", "555b5da (dirty)", "2026-12-06T20:30:00Z"}.String()
	want := "fleet v0.3.0 (commit 555b5da (dirty), built 2026-12-06T20:30:00Z, "
	if !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want prefix %q", got, want)
	}
}
