package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
)

// TestEvents_Rollout reads a rollout's JSON lines as a CI job would.
func TestEvents_Rollout(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	r := s.mustRollout("v1")
	evs := r.events(t)

	id := evs[0].RolloutID
	if evs[0].Kind != "rollout_started" || id == "" || evs[0].Command != "rollout" || evs[0].Hosts != 3 || evs[0].To != "v1" {
		t.Fatalf("first event %+v", evs[0])
	}
	for i, e := range evs {
		if e.RolloutID != id {
			t.Errorf("event %d (%s) has rollout_id %q, want %q", i, e.Kind, e.RolloutID, id)
		}
		if i > 0 && e.Time.Before(evs[i-1].Time) {
			t.Errorf("event %d (%s) is older than the one before", i, e.Kind)
		}
	}
	if p := r.kind(t, "plan"); len(p) != 1 || p[0].Hosts != 3 || p[0].Waves != 3 || !strings.Contains(p[0].Message, "maxUnavailable=1") {
		t.Errorf("plan %+v", p)
	}
	if st := r.kind(t, "staged"); len(st) != 1 || st[0].Hosts != 3 || st[0].Bytes != 3*int64(len("hello v1\n")) {
		t.Errorf("staged %+v", st)
	}
	waves := r.kind(t, "wave_started")
	if len(waves) != 3 {
		t.Fatalf("%d wave_started, want 3", len(waves))
	}
	for i, w := range waves {
		if w.Wave != i+1 || w.Waves != 3 || w.Hosts != 1 || w.Step != "activate" || w.Message != allSims[i] {
			t.Errorf("wave_started %+v", w)
		}
	}
	for _, step := range []string{"upload", "stage", "switch", "restart", "gate"} {
		if got := hostsOf(r.kind(t, "host_step:"+step)); !slices.Equal(got, allSims) {
			t.Errorf("host_step %s on %v, want every host", step, got)
		}
	}
	gated := false
	for _, g := range r.kind(t, "host_step:gate") {
		if g.Passing != nil {
			gated = true
			if !*g.Passing || g.LeftMS <= 0 || g.LeftMS > hostsim.DefaultHealthyDeadline.Milliseconds() || g.Mode != "in-place" {
				t.Errorf("gate round %+v", g)
			}
		}
	}
	if !gated {
		t.Error("no gate round with passing and left_ms")
	}
	done := r.kind(t, "host_succeeded")
	if got := hostsOf(done); !slices.Equal(got, allSims) {
		t.Errorf("host_succeeded for %v", got)
	}
	for _, d := range done {
		if d.To != "v1" || d.From != "" || d.State != "done" || d.DurationMS <= 0 || d.Wave == 0 {
			t.Errorf("host_succeeded %+v", d)
		}
	}
	sum := r.kind(t, "host_done")
	if len(sum) != 3 || sum[0].Result != "changed" {
		t.Errorf("host_done %+v", sum)
	}
	last := r.lastEvent(t)
	if last.Result != "succeeded" || *last.ExitCode != 0 || last.Counts["done"] != 3 || last.DurationMS <= 0 {
		t.Errorf("rollout_done %+v", last)
	}
}

// TestEvents_FailureAndRollback: the failed host's host_failed, then the
// auto-rollback's own wave and its host_succeeded going back, and the
// end-of-run host_done lines, the failed host's with its error.
func TestEvents_FailureAndRollback(t *testing.T) {
	s := newSim(t, 2, hostsim.Options{Unhealthy: unhealthy, HealthyDeadline: failingDeadline}, "")
	s.mustRollout("v1")
	r := s.rollout("bad")
	r.wantCode(t, exitRolledBack)

	failed := r.kind(t, "host_failed")
	if len(failed) != 1 || failed[0].Host != "sim1" || failed[0].State != "failed" || failed[0].From != "v1" ||
		failed[0].To != "bad" || !strings.Contains(failed[0].Error, "unhealthy") || failed[0].DurationMS < failingDeadline.Milliseconds() {
		t.Errorf("host_failed %+v", failed)
	}
	var revertWave bool
	for _, w := range r.kind(t, "wave_started") {
		revertWave = revertWave || (w.Step == "revert" && w.Wave == 1)
	}
	if !revertWave {
		t.Error("no wave_started for the auto-rollback")
	}
	back := r.kind(t, "host_succeeded")
	if len(back) != 1 || back[0].Step != "revert" || back[0].From != "bad" || back[0].To != "v1" {
		t.Errorf("host_succeeded of the revert %+v", back)
	}
	sum := map[string]string{}
	for _, e := range r.kind(t, "host_done") {
		sum[e.Host] = e.Result + "/" + e.State
	}
	if sum["sim1"] != "failed/rolled-back" || sum["sim2"] != "not-started/not-started" {
		t.Errorf("host_done %v", sum)
	}
	for _, e := range r.kind(t, "host_done") {
		if (e.Host == "sim1") != strings.Contains(e.Error, "unhealthy") {
			t.Errorf("host_done %s: error %q", e.Host, e.Error)
		}
	}
}
