package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
)

// dirtyGoBinary builds a tiny Go program from a git repository with an
// uncommitted change (-buildvcs=true), as a careless local build is.
func dirtyGoBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not found")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not found")
	}
	dir := t.TempDir()
	repo, out := filepath.Join(dir, "repo"), filepath.Join(dir, "hello")
	env := []string{"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + filepath.Join(dir, "gitconfig"),
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com", "GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com",
		"GOWORK=off", "GOPROXY=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0", "GOFLAGS=-mod=mod"}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "GIT_") && k != "GOFLAGS" && k != "CGO_ENABLED" {
			env = append(env, kv)
		}
	}
	if err := os.MkdirAll(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(repo, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/hello\n\ngo 1.24\n")
	write("main.go", "package main\n\nfunc main() {}\n")
	steps := [][]string{{"git", "init", "-q"}, {"git", "add", "."}, {"git", "commit", "-q", "-m", "first"}}
	for i, argv := range append(steps, []string{goTool, "build", "-buildvcs=true", "-o", out, "."}) {
		if i == len(steps) {
			write("README", "changed, not committed\n")
		}
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir, cmd.Env = repo, env
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, b)
		}
	}
	return out
}

// TestRollout_RefuseDirty: --refuse-dirty, or strategy.refuse_dirty in
// the inventory, refuses a dirty build before any host is contacted
// (exit 3); without either it rolls out, marked dirty.
func TestRollout_RefuseDirty(t *testing.T) {
	bin := dirtyGoBinary(t)
	s := newSim(t, 1, hostsim.Options{}, "")
	r := s.run(t.Context(), "rollout", "-a", bin, "--version", "v1", "--refuse-dirty")
	r.wantCode(t, exitCannotStart)
	if !strings.Contains(r.stderr, "dirty build") || s.fleet.Hosts()[0].AgentSessions() != 0 {
		t.Errorf("stderr %q, %d agent sessions; want a dirty build refused, no host contacted", r.stderr, s.fleet.Hosts()[0].AgentSessions())
	}
	policy := newSim(t, 1, hostsim.Options{}, "strategy:\n  refuse_dirty: true\n")
	r = policy.run(t.Context(), "rollout", "-a", bin, "--version", "v1")
	r.wantCode(t, exitCannotStart)
	r = policy.run(t.Context(), "rollout", "-a", bin, "--version", "v1", "--refuse-dirty=false")
	r.wantCode(t, exitOK)
	if ev := r.kind(t, "rollout_started"); len(ev) != 1 || !ev[0].Dirty || ev[0].Revision == "" {
		t.Errorf("rollout_started = %+v, want the revision, dirty", ev)
	}
}

// TestRollout_RevisionFlag: --revision names the commit of an artifact
// that is not a Go binary; it reaches the report, the JUnit properties and
// the hosts (status -o json).
func TestRollout_RevisionFlag(t *testing.T) {
	s := newSim(t, 1, hostsim.Options{}, "")
	files := newReportFiles(t)
	r := s.mustRollout("v1", append([]string{"--revision", "1A2B3C4D5E6F"}, files.flags()...)...)
	if ev := r.kind(t, "rollout_started"); len(ev) != 1 || ev[0].Revision != "1a2b3c4d5e6f" || ev[0].Dirty {
		t.Errorf("rollout_started = %+v", ev)
	}
	if rep := files.readReport(t); rep.Revision != "1a2b3c4d5e6f" || !strings.Contains(rep.Build, "(from flag)") {
		t.Errorf("report revision %q build %q", rep.Revision, rep.Build)
	}
	data, _ := os.ReadFile(files.junit)
	if !strings.Contains(string(data), `<property name="revision" value="1a2b3c4d5e6f">`) {
		t.Errorf("junit has no revision property:\n%s", data)
	}
	st := s.run(t.Context(), "status")
	st.wantCode(t, exitOK)
	if !strings.Contains(st.stdout, `"vcs_revision":"1a2b3c4d5e6f","revision_from":"flag"`) {
		t.Errorf("status -o json has no provenance:\n%s", st.stdout)
	}
	bad := s.rollout("v2", "--revision", "main")
	bad.wantCode(t, exitCannotStart)
	if !strings.Contains(bad.stderr, "--revision") {
		t.Errorf("stderr %q, want --revision named", bad.stderr)
	}
}
