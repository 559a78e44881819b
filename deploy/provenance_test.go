package deploy_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
	"github.com/fleetdeploy/fleet/provenance"
)

// goBuild is a tiny Go program built with -buildvcs=true from a fresh git
// repository at one commit: a release binary as CI makes it.
var goBuild struct {
	once     sync.Once
	path     string
	revision string
	skip     string
	err      error
}

func builtGoArtifact(t *testing.T) (path, revision string) {
	t.Helper()
	goBuild.once.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			goBuild.skip = "go not found"
			return
		}
		if _, err := exec.LookPath("git"); err != nil {
			goBuild.skip = "git not found"
			return
		}
		dir, err := os.MkdirTemp("", "deploy-provenance-")
		if err != nil {
			goBuild.err = err
			return
		}
		env := []string{"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + filepath.Join(dir, "gitconfig"),
			"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com", "GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com",
			"GOWORK=off", "GOPROXY=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0", "GOFLAGS=-mod=mod"}
		for _, kv := range os.Environ() {
			if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "GIT_") && k != "GOFLAGS" && k != "CGO_ENABLED" {
				env = append(env, kv)
			}
		}
		repo := filepath.Join(dir, "repo")
		files := map[string]string{"go.mod": "module example.com/hello\n\ngo 1.24\n", "main.go": "package main\n\nfunc main() {}\n"}
		if err := os.MkdirAll(repo, 0o755); err != nil {
			goBuild.err = err
			return
		}
		for name, body := range files {
			if err := os.WriteFile(filepath.Join(repo, name), []byte(body), 0o644); err != nil {
				goBuild.err = err
				return
			}
		}
		out := filepath.Join(dir, "hello")
		for _, argv := range [][]string{{"git", "init", "-q"}, {"git", "add", "."}, {"git", "commit", "-q", "-m", "first"},
			{goTool, "build", "-buildvcs=true", "-o", out, "."}} {
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.Dir, cmd.Env = repo, env
			if b, err := cmd.CombinedOutput(); err != nil {
				goBuild.err = errors.New(strings.Join(argv, " ") + ": " + err.Error() + "\n" + string(b))
				return
			}
		}
		cmd := exec.Command("git", "rev-parse", "HEAD")
		cmd.Dir, cmd.Env = repo, env
		rev, err := cmd.Output()
		goBuild.path, goBuild.revision, goBuild.err = out, strings.TrimSpace(string(rev)), err
	})
	switch {
	case goBuild.skip != "":
		t.Skip(goBuild.skip)
	case goBuild.err != nil:
		t.Fatal(goBuild.err)
	}
	return goBuild.path, goBuild.revision
}

// TestRollout_Provenance: a Go binary built from git needs no flag: its
// revision reaches release.json and status on every host, the journal
// (switch) and so history, the (simulated) Consul meta, rollout_started
// and the report.
func TestRollout_Provenance(t *testing.T) {
	path, rev := builtGoArtifact(t)
	f := hostsim.New(t, 2, hostsim.Options{Consul: true})
	evs := &events{}
	o := simOptions(t, f, "", evs)
	a, err := deploy.OpenArtifact(path, "v1")
	if err != nil {
		t.Fatal(err)
	}
	if a.Provenance.Revision() != rev || a.Provenance.Module != "example.com/hello" || a.Provenance.Dirty() {
		t.Fatalf("OpenArtifact provenance = %+v, want revision %s, clean", a.Provenance, rev)
	}
	o.Artifact, o.ChangeNote, o.RefuseDirty = a, "first release", true
	rec, err := deploy.Rollout(t.Context(), o)
	if err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout: %v %+v", err, rec.Result)
	}
	for _, h := range f.Hosts() {
		data, err := os.ReadFile(filepath.Join(h.AppRoot(), "releases", "v1", "release.json"))
		if err != nil {
			t.Fatal(err)
		}
		var rj struct {
			Version    string                 `json:"version"`
			Provenance *provenance.Provenance `json:"provenance"`
		}
		if err := json.Unmarshal(data, &rj); err != nil || rj.Provenance == nil || *rj.Provenance != a.Provenance {
			t.Errorf("%s: release.json = %s (%v), want the provenance %+v", h.Name(), data, err, a.Provenance)
		}
		svc, _ := h.Consul().Service("hello")
		if m := svc.Registration.Meta; m["revision"] != rev || m["dirty"] != "false" || m["change_note"] != "first release" {
			t.Errorf("%s: Consul meta = %v, want revision, dirty false and the note", h.Name(), m)
		}
		for _, e := range h.JournalEntries(t) {
			if (e.Op == agent.OpSwitch || e.Op == agent.OpStageCommit) && e.Revision != rev {
				t.Errorf("%s: journal %s revision %q, want %s", h.Name(), e.Op, e.Revision, rev)
			}
		}
	}
	if ev := evs.evs[0]; ev.Revision != rev || ev.Dirty || !strings.Contains(ev.Message, " rev "+rev[:12]) {
		t.Errorf("rollout_started = %+v, want the revision", ev)
	}
	if rep := rec.Report("succeeded", 0, nil, rec.Result.Hosts[0].Started, rec.Result.Hosts[0].Finished); rep.Revision != rev || rep.Dirty || !strings.HasPrefix(rep.Build, "example.com/hello@") {
		t.Errorf("report revision %q dirty %v build %q", rep.Revision, rep.Dirty, rep.Build)
	}
	rows, err := deploy.Releases(t.Context(), simOptions(t, f, "", &events{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if rels := r.Status.Releases; len(rels) != 1 || rels[0].Provenance == nil || rels[0].Provenance.Revision() != rev {
			t.Errorf("%s: releases %+v, want v1 with its provenance", r.Host, rels)
		}
	}
	rs, err := deploy.History(t.Context(), simOptions(t, f, "", &events{}))
	if err != nil || len(rs) != 1 || rs[0].Revision != rev || rs[0].Dirty {
		t.Errorf("History = %+v, %v; want the revision", rs, err)
	}

	// A rollback to v1 says what it returns to, as the hosts recorded it.
	o.Artifact, o.ChangeNote = artifact(t, "v2"), ""
	if rec, err := deploy.Rollout(t.Context(), o); err != nil || rec.Result.Err() != nil || rec.Provenance == nil || rec.Provenance.Revision() != "" {
		t.Fatalf("rollout v2 (a text file): %v, provenance %+v", err, rec.Provenance)
	}
	rb := simOptions(t, f, "", &events{})
	rbEvents := &events{}
	rb.Events, rb.ChangeNote, rb.To = rbEvents.add, "v2 leaks memory", "v1"
	rec, err = deploy.Rollback(t.Context(), rb)
	if err != nil || rec.Result.Err() != nil || rec.Version != "v1" {
		t.Fatalf("rollback: %v, %+v", err, rec)
	}
	if ev := rbEvents.evs[0]; ev.Kind != deploy.KindRolloutStarted || ev.Revision != rev || ev.ChangeNote != "v2 leaks memory" {
		t.Errorf("rollback's rollout_started = %+v, want v1's revision and the note", ev)
	}
}

// TestRollout_RefuseDirty: a dirty build is refused before any host is
// contacted; without the policy it goes, and is marked dirty.
func TestRollout_RefuseDirty(t *testing.T) {
	f := hostsim.New(t, 1, hostsim.Options{Consul: true})
	o := simOptions(t, f, "", &events{})
	o.Artifact = artifact(t, "v1")
	o.Artifact.Provenance = provenance.Provenance{GoVersion: "go1.26.8", VCS: "git", VCSRevision: "1a2b3c4d5e6f", VCSModified: true}
	o.RefuseDirty = true
	if _, err := deploy.Rollout(t.Context(), o); !errors.Is(err, deploy.ErrDirtyBuild) {
		t.Fatalf("rollout of a dirty build: %v, want ErrDirtyBuild", err)
	}
	if n := f.Hosts()[0].AgentSessions(); n != 0 {
		t.Errorf("%d agent sessions, want the host not contacted", n)
	}
	o.RefuseDirty = false
	if rec, err := deploy.Rollout(t.Context(), o); err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout: %v", err)
	}
	svc, _ := f.Hosts()[0].Consul().Service("hello")
	if m := svc.Registration.Meta; m["dirty"] != "true" || m["revision"] != "1a2b3c4d5e6f" {
		t.Errorf("Consul meta %v, want dirty true", m)
	}
}

// TestArtifact_WithRevision: --revision names the commit of an artifact
// without build info, and must agree with the build info of one that has.
func TestArtifact_WithRevision(t *testing.T) {
	a := artifact(t, "v1") // a text file
	if a.Provenance.HasBuildInfo() || a.Provenance.NoBuildInfo == "" {
		t.Fatalf("provenance of a text file = %+v", a.Provenance)
	}
	b, err := a.WithRevision("ABCDEF12")
	if err != nil || b.Provenance.Revision() != "abcdef12" || b.Provenance.RevisionFrom != provenance.FromFlag {
		t.Errorf("WithRevision = %+v, %v", b.Provenance, err)
	}
	a.Provenance.VCSRevision = "1111111111"
	if _, err := a.WithRevision("22222222"); !errors.Is(err, provenance.ErrRevisionConflict) {
		t.Errorf("disagreeing --revision: %v, want ErrRevisionConflict", err)
	}
	if _, err := a.WithRevision("not-a-hash"); !errors.Is(err, provenance.ErrInvalidRevision) {
		t.Errorf("bad --revision: %v, want ErrInvalidRevision", err)
	}
}
