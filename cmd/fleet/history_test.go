package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/history"
	"github.com/fleetdeploy/fleet/hostsim"
)

// TestHistory merges the hosts' journals after five runs: two rollouts, a
// failed one rolled back, a rollback, and a rollout that found every host
// already there.
func TestHistory(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{Unhealthy: unhealthy, HealthyDeadline: failingDeadline}, "")
	var ids []string
	for _, r := range []result{s.mustRollout("v1"), s.mustRollout("v2"), s.rollout("bad"), s.run(t.Context(), "rollback"), s.mustRollout("v1")} {
		ids = append(ids, r.events(t)[0].RolloutID)
	}

	r := s.run(t.Context(), "history")
	r.wantCode(t, exitOK)
	var rs []history.Rollout
	if err := json.Unmarshal([]byte(r.stdout), &rs); err != nil {
		t.Fatalf("history -o json: %v\n%s", err, r.stdout)
	}
	var got []string
	for _, ro := range rs {
		got = append(got, fmt.Sprintf("%s %s %v>%v %s", ro.ID, ro.Command, ro.From, ro.To, ro.Result))
		if ro.User == "" || ro.Machine == "" || !strings.HasPrefix(ro.CommandLine, "fleet "+ro.Command+" -i ") || ro.DurationMS <= 0 {
			t.Errorf("rollout %+v", ro)
		}
	}
	want := []string{
		ids[0] + " rollout []>[v1] succeeded",
		ids[1] + " rollout [v1]>[v2] succeeded",
		ids[2] + " rollout [v2]>[bad] rolled-back",
		ids[3] + " rollback [v2]>[v1] succeeded",
		ids[4] + " rollout []>[] no-change",
	}
	if !slices.Equal(got, want) {
		t.Errorf("history\n got %q\nwant %q", got, want)
	}
	failed := rs[2].Hosts
	if len(failed) != 3 || failed[0].Result != history.HostFailed || failed[0].Final != "v2" ||
		!strings.Contains(failed[0].Error, "unhealthy") || failed[1].Result != history.HostUnchanged {
		t.Errorf("hosts of the failed rollout %+v", failed)
	}

	last := s.run(t.Context(), "history", "--last", "1")
	if err := json.Unmarshal([]byte(last.stdout), &rs); err != nil || len(rs) != 1 || rs[0].ID != ids[4] {
		t.Errorf("--last 1: %v %+v", err, rs)
	}
	text := runArgs(t.Context(), []string{"fleet", "history", "-i", s.inv, "--agent-binary", s.agentBin})
	text.wantCode(t, exitOK)
	if !strings.HasPrefix(text.stdout, "STARTED") || !strings.Contains(text.stdout, "v2 → bad") ||
		!strings.Contains(text.stdout, "rolled-back") || strings.Count(text.stdout, "\n") != 6 ||
		!regexp.MustCompile(`\(no host moved\)\s+0/3\s+no-change`).MatchString(text.stdout) {
		t.Errorf("text:\n%s", text.stdout)
	}
}

func TestHistory_UnreachableHostFails(t *testing.T) {
	s := newSim(t, 2, hostsim.Options{}, "")
	s.mustRollout("v1")
	s.fleet.Host(1).Server().Close()
	r := s.run(t.Context(), "history")
	r.wantCode(t, exitCannotStart)
	if !strings.Contains(r.stderr, "some hosts did not answer") || !strings.Contains(r.stderr, "host sim2") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	var rs []history.Rollout
	if err := json.Unmarshal([]byte(r.stdout), &rs); err != nil || len(rs) != 1 || len(rs[0].Hosts) != 1 {
		t.Errorf("what sim1 said: %v %+v", err, rs)
	}
}

// TestStatus_Drift: a host off the fleet's majority version is marked.
func TestStatus_Drift(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	s.mustRollout("v1")
	s.mustRollout("v2", "--limit", "sim2")
	rows := s.status(t)
	for _, r := range rows {
		if r.Majority != "v1" || r.Drift != (r.Host == "sim2") {
			t.Errorf("%s: majority %q, drift %v", r.Host, r.Majority, r.Drift)
		}
	}
	text := runArgs(t.Context(), []string{"fleet", "status", "-i", s.inv, "--agent-binary", s.agentBin})
	text.wantCode(t, exitOK)
	if !strings.Contains(text.stdout, "v2 (drift)") ||
		!strings.Contains(text.stdout, "drift: 1 of 3 hosts differ from the majority version v1: sim2 runs v2") {
		t.Errorf("text:\n%s", text.stdout)
	}
}
