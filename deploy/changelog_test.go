package deploy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/changelog"
	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
)

// gitRepo makes a git repository in a temp dir with one empty commit per
// subject (by Ada) and returns it and the commits' hashes, oldest first.
func gitRepo(t *testing.T, subjects ...string) (dir string, commits []string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not found")
	}
	dir = t.TempDir()
	env := []string{"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + filepath.Join(dir, ".gitconfig"),
		"GIT_AUTHOR_NAME=Ada Lovelace", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada Lovelace", "GIT_COMMITTER_EMAIL=ada@example.com"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	for _, s := range subjects {
		git("commit", "-q", "--allow-empty", "-m", s)
		commits = append(commits, git("rev-parse", "HEAD"))
	}
	return dir, commits
}

// revArtifact is artifact(version) built from commit rev.
func revArtifact(t *testing.T, version, rev string) deploy.Artifact {
	t.Helper()
	a, err := artifact(t, version).WithRevision(rev)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func changelogEvents(evs []deploy.Event) []deploy.Event {
	var out []deploy.Event
	for _, e := range evs {
		if e.Kind == deploy.KindChangelog {
			out = append(out, e)
		}
	}
	return out
}

// TestChangelog_PlanRolloutRollback: plan and rollout list the commits
// between what the hosts run and the artifact's revision (in the plan
// report, the changelog events and the report); a rollback lists the
// ones it removes; without RepoDir there is none.
func TestChangelog_PlanRolloutRollback(t *testing.T) {
	repo, c := gitRepo(t, "first", "add /healthz", "fix the retry storm")
	f := hostsim.New(t, 2, hostsim.Options{})
	o := simOptions(t, f, "", &events{})
	o.RepoDir = repo
	o.Artifact = revArtifact(t, "v1", c[0])
	if rec, err := deploy.Rollout(t.Context(), o); err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout v1: %v", err)
	}

	o.Artifact = revArtifact(t, "v2", c[2])
	rep, err := deploy.Plan(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Changelog) != 1 {
		t.Fatalf("plan changelog = %+v, want one log", rep.Changelog)
	}
	l := rep.Changelog[0]
	if l.Direction != changelog.Forward || l.Hosts != 2 || len(l.Commits) != 2 || l.Commits[0].Subject != "fix the retry storm" ||
		l.Commits[0].Author != "Ada Lovelace" || l.Commits[1].Hash != c[1] {
		t.Errorf("plan changelog = %+v, want 2 new commits on 2 hosts", l)
	}
	evs := deploy.ChangelogEvents(rep.Changelog)
	if len(evs) != 1 || evs[0].State != "forward" || evs[0].Total != 2 || evs[0].From != c[0] || evs[0].To != c[2] ||
		len(evs[0].Commits) != 2 || evs[0].Commits[0].Subject != "fix the retry storm" {
		t.Errorf("changelog events = %+v", evs)
	}

	log := &events{}
	o.Events = log.add
	rec, err := deploy.Rollout(t.Context(), o)
	if err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout v2: %v", err)
	}
	got := changelogEvents(log.evs)
	if len(got) != 1 || got[0].State != "forward" || len(got[0].Commits) != 2 || got[0].RolloutID != rec.ID {
		t.Errorf("rollout's changelog events = %+v", got)
	}
	r := rec.Report("succeeded", 0, nil, rec.Result.Hosts[0].Started, rec.Result.Hosts[0].Finished)
	if len(r.Changelog) != 1 || r.Changelog[0].Direction != "forward" || len(r.Changelog[0].Commits) != 2 || r.Changelog[0].Hosts != 2 {
		t.Errorf("report changelog = %+v", r.Changelog)
	}

	rb := simOptions(t, f, "", &events{})
	rbLog := &events{}
	rb.Events, rb.To, rb.RepoDir = rbLog.add, "v1", repo
	if rec, err := deploy.Rollback(t.Context(), rb); err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollback: %v", err)
	}
	got = changelogEvents(rbLog.evs)
	if len(got) != 1 || got[0].State != "reverse" || len(got[0].Commits) != 2 || got[0].Commits[0].Hash != c[2] ||
		!strings.Contains(got[0].Message, "rollback, removes 2 commits") {
		t.Errorf("rollback's changelog events = %+v, want the 2 commits it removes", got)
	}

	o.RepoDir = ""
	if rep, err := deploy.Plan(t.Context(), o); err != nil || rep.Changelog != nil {
		t.Errorf("plan without RepoDir: changelog %+v, %v; want none", rep.Changelog, err)
	}
}

// TestChangelog_NoRevision: hosts whose release has no recorded revision
// get a changelog that says why there is no list; the run goes on.
func TestChangelog_NoRevision(t *testing.T) {
	repo, c := gitRepo(t, "first")
	f := hostsim.New(t, 1, hostsim.Options{})
	o := simOptions(t, f, "", &events{})
	o.RepoDir = repo
	o.Artifact = artifact(t, "v1") // no revision
	if rec, err := deploy.Rollout(t.Context(), o); err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout v1: %v", err)
	}
	o.Artifact = revArtifact(t, "v2", c[0])
	rep, err := deploy.Plan(t.Context(), o)
	if err != nil || len(rep.Changelog) != 1 {
		t.Fatalf("plan: %+v, %v", rep.Changelog, err)
	}
	evs := deploy.ChangelogEvents(rep.Changelog)
	if !strings.HasPrefix(evs[0].Error, "the running release has no known revision") || evs[0].State != "" || evs[0].Commits != nil {
		t.Errorf("changelog event = %+v, want the reason", evs[0])
	}
}
