package main

import (
	"os"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
)

// TestChangeNote_Flag: -m goes to every host's journal, rollout_started,
// the report and a JUnit property; rollback takes it too.
func TestChangeNote_Flag(t *testing.T) {
	s := newSim(t, 2, hostsim.Options{}, "")
	files := newReportFiles(t)
	r := s.mustRollout("v1", append([]string{"-m", "fix the retry storm"}, files.flags()...)...)
	if ev := r.kind(t, "rollout_started"); len(ev) != 1 || ev[0].ChangeNote != "fix the retry storm" {
		t.Errorf("rollout_started = %+v, want the note", ev)
	}
	if rep := files.readReport(t); rep.ChangeNote != "fix the retry storm" {
		t.Errorf("report change_note %q", rep.ChangeNote)
	}
	data, err := os.ReadFile(files.junit)
	if err != nil || !strings.Contains(string(data), `<property name="change_note" value="fix the retry storm">`) {
		t.Errorf("junit has no change_note property: %v\n%s", err, data)
	}
	s.mustRollout("v2")
	r = s.run(t.Context(), "rollback", "--yes", "--message", "v2 leaks memory")
	r.wantCode(t, exitOK)
	for _, h := range s.fleet.Hosts() {
		notes := map[string]bool{}
		for _, e := range h.JournalEntries(t) {
			notes[e.ChangeNote] = true
		}
		if !notes["fix the retry storm"] || !notes["v2 leaks memory"] || !notes[""] || len(notes) != 3 {
			t.Errorf("%s: journal notes %v, want the rollout's, the rollback's and none for v2", h.Name(), notes)
		}
	}
}

// TestChangeNote_Refused: a note the hosts would refuse is refused before
// any host is contacted, exit 3.
func TestChangeNote_Refused(t *testing.T) {
	s := newSim(t, 1, hostsim.Options{}, "")
	r := s.rollout("v1", "-m", strings.Repeat("x", 4097))
	r.wantCode(t, exitCannotStart)
	if !strings.Contains(r.stderr, "--message") || s.fleet.Hosts()[0].AgentSessions() != 0 {
		t.Errorf("stderr %q, %d agent sessions; want --message named and no host contacted", r.stderr, s.fleet.Hosts()[0].AgentSessions())
	}
}

// TestChangeNote_CIDefault: without -m a run under Jenkins journals the
// build; -m "" turns it off.
func TestChangeNote_CIDefault(t *testing.T) {
	for _, k := range []string{"GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL"} {
		t.Setenv(k, "")
	}
	t.Setenv("BUILD_URL", "https://ci/job/hello/3/")
	t.Setenv("JOB_NAME", "hello")
	t.Setenv("BUILD_NUMBER", "3")
	s := newSim(t, 1, hostsim.Options{}, "")
	r := s.mustRollout("v1")
	if ev := r.kind(t, "rollout_started"); len(ev) != 1 || ev[0].ChangeNote != "Jenkins hello #3 https://ci/job/hello/3/" {
		t.Errorf("rollout_started = %+v, want the Jenkins build", ev)
	}
	r = s.mustRollout("v2", "-m", "")
	if ev := r.kind(t, "rollout_started"); len(ev) != 1 || ev[0].ChangeNote != "" {
		t.Errorf("with -m \"\": rollout_started = %+v, want no note", ev)
	}
}
