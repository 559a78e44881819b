package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/hostsim"
)

// indexOf is the position of the first event that matches, or -1.
func indexOf(evs []event, match func(event) bool) int {
	return slices.IndexFunc(evs, match)
}

// With stage: ahead the first wave starts before the last upload has
// ended, and every host still ends on the new version with one upload.
func TestRollout_StageAheadUploadsWhileHostsActivate(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{RestartLatency: 200 * time.Millisecond}, "strategy: {parallel: 1}\n")
	r := s.mustRollout("v1", "--stage", "ahead")
	evs := r.events(t)
	firstWave := indexOf(evs, func(e event) bool { return e.Kind == "wave_started" })
	lastUpload := indexOf(evs, func(e event) bool { return e.Kind == "host_step" && e.Step == "upload" && e.Host == "sim3" })
	staged := indexOf(evs, func(e event) bool { return e.Kind == "staged" })
	if firstWave < 0 || lastUpload < 0 || staged < 0 {
		t.Fatalf("missing events: wave_started %d, sim3 upload %d, staged %d\n%s", firstWave, lastUpload, staged, r.stdout)
	}
	if firstWave > lastUpload || firstWave > staged {
		t.Errorf("the first wave started at event %d, after sim3's upload (%d) and staged (%d): nothing overlapped", firstWave, lastUpload, staged)
	}
	if got := hostsOf(r.kind(t, "host_step:upload")); !slices.Equal(got, allSims) {
		t.Errorf("uploads to %v, want every host once", got)
	}
	if pl := r.kind(t, "plan"); len(pl) != 1 || !strings.Contains(pl[0].Message, "uploads ahead of the waves") {
		t.Errorf("plan events %+v, want one that names the staging", pl)
	}
	if st := r.kind(t, "staged"); len(st) != 1 || st[0].Hosts != 3 {
		t.Errorf("staged events %+v, want one for 3 hosts", st)
	}
	for _, h := range s.fleet.Hosts() {
		if h.Current() != "v1" || h.Restarts() != 1 {
			t.Errorf("%s: current %q after %d restarts, want v1 after 1", h.Name(), h.Current(), h.Restarts())
		}
	}
}

// What a host could refuse is still refused before any host changes: a
// version conflict on sim2 stops the rollout with nothing restarted.
func TestRollout_StageAheadPreflightRefusesBeforeAnyChange(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	s.mustRollout("v1")
	s.mustRollout("v2", "--limit", "sim2")
	s.run(s.t.Context(), "rollback", "--limit", "sim2").wantCode(t, exitOK)
	other := filepath.Join(t.TempDir(), "other-v2")
	if err := os.WriteFile(other, []byte("other bytes\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	before := s.snapshot()

	r := s.run(t.Context(), "rollout", "-a", other, "--version", "v2", "--stage", "ahead")
	r.wantCode(t, exitCannotStart)
	if !strings.Contains(r.stderr, "sim2") || !strings.Contains(r.stderr, "version_conflict") {
		t.Errorf("stderr does not name sim2 and the conflict:\n%s", r.stderr)
	}
	if ups := r.kind(t, "host_step:upload"); len(ups) != 0 {
		t.Errorf("uploaded before the preflight was clean: %+v", ups)
	}
	after := s.snapshot()
	for name, b := range before {
		if a := after[name]; a.current != b.current || a.restarts != b.restarts {
			t.Errorf("%s changed: %+v -> %+v", name, b, a)
		}
	}
}

// An upload that fails once the rollout runs fails its host only: the
// host counts against the failure budget, the hosts already changed are
// rolled back, and the host itself is never restarted (nothing to undo).
func TestRollout_StageAheadLateUploadFailureFailsItsHostUntouched(t *testing.T) {
	var corrupt atomic.Bool
	s := newSim(t, 3, hostsim.Options{CorruptUploads: func(host string) bool { return corrupt.Load() && host == "sim2" }}, "")
	s.mustRollout("v1")
	corrupt.Store(true)

	r := s.rollout("v2", "--stage", "ahead")
	r.wantCode(t, exitRolledBack)
	if got := failedHosts(t, r); !slices.Equal(got, []string{"sim2"}) {
		t.Errorf("failed hosts %v, want [sim2]", got)
	}
	if !strings.Contains(r.stderr, "host left untouched") {
		t.Errorf("stderr does not say sim2 was left untouched:\n%s", r.stderr)
	}
	for _, h := range s.fleet.Hosts() {
		if h.Current() != "v1" {
			t.Errorf("%s: current %q, want v1", h.Name(), h.Current())
		}
	}
	if got := s.fleet.ByName("sim2").Restarts(); got != 1 {
		t.Errorf("sim2 restarted %d times, want 1 (the v1 rollout only)", got)
	}
	for _, e := range r.kind(t, "host_state") {
		if e.Host == "sim2" && e.Step == "revert" {
			t.Errorf("sim2 got a revert step: %+v", e)
		}
	}
}

func TestRollout_StageFlagIsChecked(t *testing.T) {
	s := newSim(t, 1, hostsim.Options{}, "")
	r := s.rollout("v1", "--stage", "later")
	r.wantCode(t, exitCannotStart)
	if !strings.Contains(r.stderr, `--stage: must be before or ahead, got "later"`) {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// A rollout paused after its canary has staged every host, so that
// promote, which has no artifact, finds the release everywhere.
func TestRollout_StageAheadPauseStagesEveryHost(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	s.mustRollout("v1")
	s.rollout("v2", "--stage", "ahead", "--canary", "1", "--pause-after-canary").wantCode(t, exitPaused)
	for _, h := range s.fleet.Hosts() {
		if got := h.Releases(); !slices.Contains(got, "v2") {
			t.Errorf("%s: releases %v after the pause, want v2 staged", h.Name(), got)
		}
	}
	s.run(t.Context(), "promote").wantCode(t, exitOK)
	for _, h := range s.fleet.Hosts() {
		if h.Current() != "v2" {
			t.Errorf("%s: current %q after promote, want v2", h.Name(), h.Current())
		}
	}
}
