package main

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
	"github.com/fleetdeploy/fleet/report"
)

// TestExitCodes drives each documented outcome through the CLI and checks
// the exit code, rollout_done, the JSON report and the JUnit file.
// Interrupts (130) are in TestSubprocess_Interrupt; lock held and
// unreachable hosts (3) in lock_test.go and connect_test.go.
func TestExitCodes(t *testing.T) {
	type want struct {
		code    int
		result  string
		hosts   map[string]string // host → report result
		junit   map[string]string // classname/name → verdict
		message string            // in stderr
	}
	tests := []struct {
		name  string
		setup func(s *sim)
		args  func(s *sim) []string
		want  want
	}{
		{
			name: "0_Succeeded",
			args: func(s *sim) []string { return []string{"-a", s.artifact("v2"), "--version", "v2"} },
			want: want{code: exitOK, result: report.Succeeded,
				hosts: map[string]string{"sim1": "changed", "sim2": "changed", "sim3": "changed"},
				junit: map[string]string{
					"fleet.rollout.hosts/sim1": "passed", "fleet.rollout.hosts/sim2": "passed", "fleet.rollout.hosts/sim3": "passed",
					"fleet.rollout.waves/wave 1 gate": "passed", "fleet.rollout.waves/wave 2 gate": "passed", "fleet.rollout.waves/wave 3 gate": "passed",
				}},
		},
		{
			name: "1_RolledBack",
			args: func(s *sim) []string { return []string{"-a", s.artifact("bad"), "--version", "bad"} },
			want: want{code: exitRolledBack, result: report.RolledBack, message: "rolled back",
				hosts: map[string]string{"sim1": "failed", "sim2": "not-started", "sim3": "not-started"},
				junit: map[string]string{
					"fleet.rollout.hosts/sim1": "failure", "fleet.rollout.hosts/sim2": "skipped", "fleet.rollout.hosts/sim3": "skipped",
					"fleet.rollout.waves/wave 1 gate": "failure", "fleet.rollout.waves/wave 2 gate": "skipped", "fleet.rollout.waves/wave 3 gate": "skipped",
				}},
		},
		{
			name: "2_Mixed",
			args: func(s *sim) []string {
				return []string{"-a", s.artifact("bad"), "--version", "bad", "--no-auto-rollback"}
			},
			want: want{code: exitMixed, result: report.Mixed, message: "mixed versions",
				hosts: map[string]string{"sim1": "failed", "sim2": "not-started", "sim3": "not-started"},
				junit: map[string]string{
					"fleet.rollout.hosts/sim1": "failure", "fleet.rollout.hosts/sim2": "skipped", "fleet.rollout.hosts/sim3": "skipped",
					"fleet.rollout.waves/wave 1 gate": "failure", "fleet.rollout.waves/wave 2 gate": "skipped", "fleet.rollout.waves/wave 3 gate": "skipped",
				}},
		},
		{
			name: "3_BadInput",
			args: func(s *sim) []string {
				return []string{"-a", s.artifact("v2"), "--version", "v2", "--max-unavailable", "lots"}
			},
			// The flag's error, not the inventory's ("fleet.yaml: strategy: …").
			want: want{code: exitCannotStart, result: report.NotStarted, message: `fleet: --max-unavailable: invalid count or percentage "lots"`,
				hosts: map[string]string{}, junit: map[string]string{"fleet.rollout/start": "failure"}},
		},
		{
			name: "3_VersionConflict",
			setup: func(s *sim) {
				// sim2 holds a v2 with other bytes (it went there and
				// back): staging refuses, before any host changes.
				s.mustRollout("v2", "--limit", "sim2")
				s.run(s.t.Context(), "rollback", "--limit", "sim2").wantCode(s.t, exitOK)
				s.mu.Lock()
				other := filepath.Join(s.t.TempDir(), "other-v2")
				if err := os.WriteFile(other, []byte("other bytes\n"), 0o755); err != nil {
					s.t.Fatal(err)
				}
				s.artifacts["v2"] = other
				s.mu.Unlock()
			},
			args: func(s *sim) []string { return []string{"-a", s.artifact("v2"), "--version", "v2"} },
			want: want{code: exitCannotStart, result: report.NotStarted, message: "host sim2: stage",
				hosts: map[string]string{"sim1": "not-started", "sim2": "not-started", "sim3": "not-started"},
				junit: map[string]string{
					"fleet.rollout/start":      "failure",
					"fleet.rollout.hosts/sim1": "skipped", "fleet.rollout.hosts/sim2": "skipped", "fleet.rollout.hosts/sim3": "skipped",
					"fleet.rollout.waves/wave 1 gate": "skipped", "fleet.rollout.waves/wave 2 gate": "skipped",
				}},
		},
		{
			name: "4_PausedAfterCanary",
			args: func(s *sim) []string {
				return []string{"-a", s.artifact("v2"), "--version", "v2", "--canary", "1", "--pause-after-canary"}
			},
			want: want{code: exitPaused, result: report.Paused, message: "fleet promote",
				hosts: map[string]string{"sim1": "changed", "sim2": "not-started", "sim3": "not-started"},
				junit: map[string]string{
					"fleet.rollout.hosts/sim1": "passed", "fleet.rollout.hosts/sim2": "skipped", "fleet.rollout.hosts/sim3": "skipped",
					"fleet.rollout.waves/wave 1 gate (canary)": "passed", "fleet.rollout.waves/wave 2 gate": "skipped", "fleet.rollout.waves/wave 3 gate": "skipped",
				}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Not parallel: urfave/cli v2 writes package-level flag state on
			// every run, so concurrent in-process runs race.
			s := newSim(t, 3, hostsim.Options{Unhealthy: unhealthy, HealthyDeadline: failingDeadline}, "")
			s.mustRollout("v1")
			if tc.setup != nil {
				tc.setup(s)
			}
			files := newReportFiles(t)
			r := s.run(t.Context(), "rollout", append(tc.args(s), files.flags()...)...)
			r.wantCode(t, tc.want.code)
			if !strings.Contains(r.stderr, tc.want.message) {
				t.Errorf("stderr does not say %q:\n%s", tc.want.message, r.stderr)
			}

			done := r.lastEvent(t)
			if done.Result != tc.want.result || done.ExitCode == nil || *done.ExitCode != tc.want.code || done.Command != "rollout" {
				t.Errorf("rollout_done %+v", done)
			}

			rep := files.readReport(t)
			if rep.Result != tc.want.result || rep.ExitCode != tc.want.code || rep.Command != "rollout" ||
				rep.Schema != report.Schema || rep.Started.IsZero() || rep.Finished.Before(rep.Started) {
				t.Errorf("report %+v", rep)
			}
			if tc.want.code != exitOK && rep.Error == "" {
				t.Error("report has no error")
			}
			if got := hostResults(rep); !maps.Equal(got, tc.want.hosts) {
				t.Errorf("report hosts %v, want %v", got, tc.want.hosts)
			}

			doc, cases := files.readJUnit(t)
			for k, v := range tc.want.junit {
				if cases[k] != v {
					t.Errorf("junit %s: %q, want %q (all: %v)", k, cases[k], v, cases)
				}
			}
			if doc.Tests != len(cases) || len(doc.Suites) != 1 {
				t.Errorf("junit totals: %d tests, %d cases, %d suites", doc.Tests, len(cases), len(doc.Suites))
			}
		})
	}
}

// TestExitCodes_BadOutputWritesNothing: an --output fleet cannot produce
// is refused before anything, with no events and no report.
func TestExitCodes_BadOutputWritesNothing(t *testing.T) {
	s := newSim(t, 1, hostsim.Options{}, "")
	files := newReportFiles(t)
	r := runArgs(t.Context(), append([]string{"fleet", "rollout", "-i", s.inv, "-o", "yaml", "-a", s.artifact("v1")}, files.flags()...))
	r.wantCode(t, exitCannotStart)
	if r.stdout != "" || !strings.Contains(r.stderr, `--output "yaml"`) {
		t.Errorf("stdout %q, stderr %q", r.stdout, r.stderr)
	}
	if _, err := os.Stat(files.junit); !os.IsNotExist(err) {
		t.Errorf("junit written: %v", err)
	}
}
