package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
)

// TestPlan_UploadsAndExitCode: plan says, per host, what would change and
// what would be uploaded, and --detailed-exitcode says whether anything
// would change.
func TestPlan_UploadsAndExitCode(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	s.mustRollout("v1")
	s.mustRollout("v2", "--limit", "sim1")
	// sim2 has v2 staged but runs v1 again: no upload needed there.
	s.mustRollout("v2", "--limit", "sim2")
	s.run(t.Context(), "rollback", "--limit", "sim2").wantCode(t, exitOK)
	size := int64(len("hello v2\n"))

	before := s.snapshot()
	r := s.run(t.Context(), "plan", "-a", s.artifact("v2"), "--version", "v2")
	r.wantCode(t, exitOK)
	hosts := map[string]event{}
	for _, e := range r.kind(t, "plan_host") {
		hosts[e.Host] = e
	}
	for name, want := range map[string]struct {
		action string
		bytes  int64
	}{"sim1": {"skip", 0}, "sim2": {"update", 0}, "sim3": {"update", size}} {
		if e := hosts[name]; e.State != want.action || e.Bytes != want.bytes {
			t.Errorf("%s: %s, %d bytes; want %s, %d", name, e.State, e.Bytes, want.action, want.bytes)
		}
	}
	sum := r.kind(t, "plan_summary")
	if len(sum) != 1 || sum[0].Result != "changes" || sum[0].Bytes != size || sum[0].Counts["upload"] != 1 ||
		sum[0].Counts["update"] != 2 || sum[0].Counts["skip"] != 1 || sum[0].Counts["in-place"] != 2 || sum[0].Hosts != 2 {
		t.Errorf("plan_summary %+v", sum)
	}
	s.wantUnchanged(before, s.snapshot())

	d := s.run(t.Context(), "plan", "-a", s.artifact("v2"), "--version", "v2", "--detailed-exitcode")
	d.wantCode(t, exitPlanChanges)
	if strings.Contains(d.stderr, "fleet:") {
		t.Errorf("changes are not an error:\n%s", d.stderr)
	}

	s.mustRollout("v2")
	n := s.run(t.Context(), "plan", "-a", s.artifact("v2"), "--version", "v2", "--detailed-exitcode")
	n.wantCode(t, exitOK)
	if sum := n.kind(t, "plan_summary"); len(sum) != 1 || sum[0].Result != "no-change" || sum[0].Bytes != 0 {
		t.Errorf("plan_summary %+v", sum)
	}
}

func TestPlan_Text(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	s.mustRollout("v1", "--limit", "sim3")
	r := runArgs(t.Context(), []string{"fleet", "plan", "-i", s.inv, "--agent-binary", s.agentBin, "-a", s.artifact("v1"), "--version", "v1", "--canary", "1"})
	r.wantCode(t, exitOK)
	for _, re := range []string{
		`(?m)^Plan: roll v1 \(9 B, sha256 [0-9a-f]{12}\) out to 3 hosts, maxUnavailable=1`,
		`(?m)^WAVE +HOST +MODE +FROM +TO +ACTION +DRAIN +UPLOAD$`,
		`(?m)^1 \(canary\) +sim1 +in-place +\(none\) +v1 +update +- +9 B$`,
		`(?m)^2 +sim2 +in-place +\(none\) +v1 +update +- +9 B$`,
		`(?m)^- +sim3 +- +v1 +v1 +skip +- +present$`,
		`(?m)^2 to change \(2 in place, 0 surge\) in 2 waves, 1 unchanged; 18 B to upload to 2 hosts\.$`,
	} {
		if !regexp.MustCompile(re).MatchString(r.stdout) {
			t.Errorf("plan output does not match %s:\n%s", re, r.stdout)
		}
	}
}

// TestPlan_Conflict: a host with the version under other bytes would
// refuse the rollout; plan says so and fails.
func TestPlan_Conflict(t *testing.T) {
	s := newSim(t, 2, hostsim.Options{}, "")
	s.mustRollout("v1")
	s.mustRollout("v2", "--limit", "sim1")
	s.run(t.Context(), "rollback", "--limit", "sim1").wantCode(t, exitOK)
	other := filepath.Join(t.TempDir(), "v2-rebuilt")
	if err := os.WriteFile(other, []byte("rebuilt v2\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := runArgs(t.Context(), []string{"fleet", "plan", "-i", s.inv, "--agent-binary", s.agentBin, "-a", other, "--version", "v2"})
	r.wantCode(t, exitCannotStart)
	if !strings.Contains(r.stdout, "CONFLICT: has v2 with sha256") || !strings.Contains(r.stderr, "a rollout would be refused: host sim1: stage") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
}
