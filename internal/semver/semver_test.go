package semver_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/semver"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		from, to string
		want     semver.Change
	}{
		{"v1.2.3", "v2.0.0", semver.Major},
		{"1.2.3", "1.3.0", semver.Minor},
		{"v1.2.3", "1.2.4", semver.Patch},
		{"v1.2.3", "v1.2.3", semver.Same},
		{"v1.2.3+build.1", "v1.2.3+build.2", semver.Same},
		{"v1.3.0", "v1.2.9", semver.Downgrade},
		{"v2.0.0", "v1.9.9", semver.Downgrade},
		{"v1.2.3", "v1.2.3-rc.1", semver.Downgrade}, // a pre-release comes before its release
		{"v1.2.3-rc.1", "v1.2.3", semver.Patch},
		{"v1.2.3-alpha", "v1.2.3-alpha.1", semver.Patch},
		{"v1.2.3-alpha.1", "v1.2.3-alpha.beta", semver.Patch}, // numeric before alphanumeric
		{"v1.2.3-beta.11", "v1.2.3-beta.2", semver.Downgrade}, // numbers compare as numbers
		{"v1.2.3-rc.1", "v1.3.0-rc.1", semver.Minor},
		{"v0.9.0", "v1.0.0-rc.1", semver.Major},
		{"v1", "v2", semver.NotSemver},
		{"v1.2", "v1.3.0", semver.NotSemver},
		{"v01.2.3", "v1.2.4", semver.NotSemver},
		{"v1.2.3-01", "v1.2.4", semver.NotSemver},
		{"v1.2.3-", "v1.2.4", semver.NotSemver},
		{"v1.2.3+", "v1.2.4", semver.NotSemver},
		{"1a2b3c4d", "v1.2.4", semver.NotSemver},
		{"v1.2.3", "", semver.NotSemver},
	}
	for _, c := range cases {
		if got := semver.Classify(c.from, c.to); got != c.want {
			t.Errorf("Classify(%q, %q) = %q, want %q", c.from, c.to, got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	v, ok := semver.Parse("v1.22.333-rc.1+linux.amd64")
	if !ok || v.Major != 1 || v.Minor != 22 || v.Patch != 333 || len(v.Pre) != 2 || v.Pre[0] != "rc" || v.Build != "linux.amd64" {
		t.Errorf("Parse = %+v, %v", v, ok)
	}
}

func TestLargest(t *testing.T) {
	cases := []struct {
		in   []semver.Change
		want semver.Change
	}{
		{nil, ""},
		{[]semver.Change{semver.Patch, semver.Major, semver.Minor}, semver.Major},
		{[]semver.Change{semver.Major, semver.Downgrade}, semver.Downgrade},
		{[]semver.Change{semver.Major, semver.NotSemver}, semver.NotSemver},
		{[]semver.Change{semver.Same, semver.Patch}, semver.Patch},
		{[]semver.Change{semver.Same}, semver.Same},
	}
	for _, c := range cases {
		if got := semver.Largest(c.in...); got != c.want {
			t.Errorf("Largest(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}
