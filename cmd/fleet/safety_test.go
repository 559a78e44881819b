package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
)

// A version names its bytes: other bytes under a version a host holds
// are refused (exit 3, nothing changed) by plan and rollout alike, whether
// that version is current there or only installed.
func TestVersionConflict_CurrentOrInstalled(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	s.mustRollout("v1")
	other := filepath.Join(t.TempDir(), "other")
	if err := os.WriteFile(other, []byte("another build\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, version string) {
		before := s.snapshot()
		p := s.run(t.Context(), "plan", "-a", other, "--version", version)
		p.wantCode(t, exitCannotStart)
		for _, e := range p.kind(t, "plan_host") {
			if !strings.Contains(e.Error, "sha256") {
				t.Errorf("plan_host %s shows no conflict: %+v", e.Host, e)
			}
		}
		r := s.run(t.Context(), "rollout", "-a", other, "--version", version)
		r.wantCode(t, exitCannotStart)
		for _, h := range []string{"sim1", "sim2", "sim3"} {
			if !strings.Contains(r.stderr, "host "+h+": stage: version_conflict") {
				t.Errorf("rollout does not name %s's conflict:\n%s", h, r.stderr)
			}
		}
		if n := len(r.kind(t, "host_step")); n != 0 {
			t.Errorf("a refused rollout took %d steps", n)
		}
		s.wantUnchanged(before, s.snapshot())
	}
	t.Run("current", func(t *testing.T) { check(t, "v1") })
	s.mustRollout("v2")
	t.Run("previous", func(t *testing.T) { check(t, "v1") })
}

// A rollout paused after its canary is not dropped by a new rollout: the
// new one is refused until it is promoted, rolled back, or abandoned on
// purpose, which every host's journal records; status shows it.
func TestPausedRollout_RefusedUnlessAbandoned(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	s.mustRollout("v1")
	s.rollout("v2", "--canary", "1", "--pause-after-canary").wantCode(t, exitPaused)

	st := s.run(t.Context(), "status", "-o", "plain")
	if !strings.Contains(st.stdout, "paused: rollout ") || !strings.Contains(st.stdout, "1 of 3 hosts run v2 (sim1)") {
		t.Errorf("status does not show the paused rollout:\n%s", st.stdout)
	}

	before := s.snapshot()
	r := s.rollout("v3")
	r.wantCode(t, exitCannotStart)
	if !strings.Contains(r.stderr, "is paused after its canary") || !strings.Contains(r.stderr, "--abandon-paused") {
		t.Errorf("refusal does not say why and what to do:\n%s", r.stderr)
	}
	s.wantUnchanged(before, s.snapshot())

	r = s.rollout("v3", "--abandon-paused")
	r.wantCode(t, exitOK)
	if n := len(r.kind(t, "paused_abandoned")); n != 1 {
		t.Errorf("%d paused_abandoned events, want 1", n)
	}
	for _, h := range s.fleet.Hosts() {
		if h.Current() != "v3" {
			t.Errorf("%s: current %q, want v3", h.Name(), h.Current())
		}
		abandoned := false
		for _, e := range h.JournalEntries(t) {
			abandoned = abandoned || (e.Op == "pending" && e.Reason == "abandoned" && e.Version == "v2")
		}
		if !abandoned {
			t.Errorf("%s: the journal does not record the paused v2 as abandoned", h.Name())
		}
	}
	if p := s.run(t.Context(), "promote"); p.code != exitCannotStart {
		t.Errorf("promote after the abandon: exit %d, want 3 (nothing paused)", p.code)
	}
}
