package changelog_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/changelog"
)

// hashes returns the hashes of cs.
func hashes(cs []changelog.Commit) []string {
	var hs []string
	for _, c := range cs {
		hs = append(hs, c.Hash)
	}
	return hs
}

func equal(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }

func TestBetween_Forward(t *testing.T) {
	r := testRepo(t)
	l, err := changelog.Between(context.Background(), r.dir, r.c[1], r.c[5], 0)
	if err != nil {
		t.Fatal(err)
	}
	if l.Reason != "" || l.Direction != changelog.Forward || l.More != 0 || l.Total() != 4 {
		t.Fatalf("Between = %+v, want forward with 4 commits", l)
	}
	if want := []string{r.c[5], r.c[4], r.c[3], r.c[2]}; !equal(hashes(l.Commits), want) {
		t.Errorf("commits = %v, want %v (newest first)", hashes(l.Commits), want)
	}
	if l.FromCommit != r.c[1] || l.ToCommit != r.c[5] || l.From != r.c[1] || l.To != r.c[5] {
		t.Errorf("from/to = %+v", l)
	}
	c := l.Commits[0]
	if c.Author != "Grace Hopper" || c.Subject != "fix the retry storm" || !c.Time.Equal(time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("newest commit = %+v", c)
	}
}

// A subject's escape sequences and bidirectional controls never reach a
// Log.
func TestBetween_SubjectsAreCleaned(t *testing.T) {
	r := testRepo(t)
	l, err := changelog.Between(context.Background(), r.dir, r.c[2], r.c[3], 0)
	if err != nil || len(l.Commits) != 1 {
		t.Fatalf("Between = %+v, %v", l, err)
	}
	if got, want := l.Commits[0].Subject, "red alert: fix link gnp.exe"; got != want {
		t.Errorf("subject = %q, want %q", got, want)
	}
}

func TestBetween_Reverse(t *testing.T) {
	r := testRepo(t)
	l, err := changelog.Between(context.Background(), r.dir, r.c[5], r.c[2], 0)
	if err != nil {
		t.Fatal(err)
	}
	if l.Reason != "" || l.Direction != changelog.Reverse {
		t.Fatalf("Between = %+v, want reverse", l)
	}
	if want := []string{r.c[5], r.c[4], r.c[3]}; !equal(hashes(l.Commits), want) {
		t.Errorf("commits = %v, want the ones the rollback removes %v", hashes(l.Commits), want)
	}
}

func TestBetween_Bounded(t *testing.T) {
	r := testRepo(t)
	l, err := changelog.Between(context.Background(), r.dir, r.c[1], r.c[5], 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{r.c[5], r.c[4]}; !equal(hashes(l.Commits), want) || l.More != 2 || l.Total() != 4 {
		t.Errorf("Between(limit 2) = %v, more %d; want %v, more 2", hashes(l.Commits), l.More, want)
	}
	l, err = changelog.Between(context.Background(), r.dir, r.c[5], r.c[1], 1)
	if err != nil || len(l.Commits) != 1 || l.More != 3 || l.Direction != changelog.Reverse {
		t.Errorf("Between(reverse, limit 1) = %+v, %v; want 1 commit, 3 more", l, err)
	}
}

func TestBetween_Diverged(t *testing.T) {
	r := testRepo(t)
	l, err := changelog.Between(context.Background(), r.dir, r.c[6], r.c[5], 0)
	if err != nil {
		t.Fatal(err)
	}
	if l.Direction != changelog.Diverged || l.Removed != 1 || !equal(hashes(l.Commits), []string{r.c[5], r.c[4], r.c[3]}) {
		t.Errorf("Between = %+v, want diverged: 3 new commits, 1 removed", l)
	}
}

func TestBetween_EmptyRange(t *testing.T) {
	r := testRepo(t)
	for _, c := range []struct{ from, to string }{
		{r.c[3], r.c[3]},
		{"v1", r.c[1]},       // a tag and the hash it names
		{r.c[4][:7], r.c[4]}, // an abbreviation and the full hash
	} {
		l, err := changelog.Between(context.Background(), r.dir, c.from, c.to, 0)
		if err != nil || l.Reason != "" || l.Direction != changelog.Same || len(l.Commits) != 0 || l.More != 0 {
			t.Errorf("Between(%s, %s) = %+v, %v; want same, no commits", c.from, c.to, l, err)
		}
	}
}

func TestBetween_TagsAndAbbreviations(t *testing.T) {
	r := testRepo(t)
	l, err := changelog.Between(context.Background(), r.dir, "v1", r.c[3][:8], 0)
	if err != nil || l.Direction != changelog.Forward || !equal(hashes(l.Commits), []string{r.c[3], r.c[2]}) {
		t.Errorf("Between(v1, %s) = %+v, %v", r.c[3][:8], l, err)
	}
	if l.From != "v1" || l.FromCommit != r.c[1] || l.ToCommit != r.c[3] {
		t.Errorf("revisions = %q %q %q", l.From, l.FromCommit, l.ToCommit)
	}
}

// No changelog is not an error: a Log with a Reason the user can act on.
func TestBetween_NoChangelog(t *testing.T) {
	r := testRepo(t)
	notRepo := t.TempDir()
	unknown := "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"
	cases := []struct {
		name, dir, from, to, want string
	}{
		{"unknown from", r.dir, unknown, r.c[5],
			"revision " + unknown + " is not in " + r.dir + ": git fetch, or run fleet from the service's repository"},
		{"unknown to", r.dir, r.c[1], "v9",
			"revision v9 is not in " + r.dir + ": git fetch, or run fleet from the service's repository"},
		{"not in a shallow clone", r.shallow, r.c[1], r.c[5],
			"revision " + r.c[1] + " is not in " + r.shallow + ": git fetch --unshallow, or run fleet from the service's repository"},
		{"not a repository", notRepo, r.c[1], r.c[5], notRepo + " is not a git repository: run fleet from the service's repository (git rev-parse: "},
		{"no running revision", r.dir, "", r.c[5], "the running release has no known revision"},
		{"no target revision", r.dir, r.c[1], "", "the new release has no revision"},
		{"option", r.dir, "--output=/tmp/x", r.c[5], `the running revision "--output=/tmp/x" is not a commit hash, branch or tag`},
		{"range", r.dir, r.c[1], "v1..main", `the target revision "v1..main" is not a commit hash, branch or tag`},
		{"expression", r.dir, "main~2", r.c[5], `the running revision "main~2" is not a commit hash, branch or tag`},
		{"path", r.dir, "main:go.mod", r.c[5], `the running revision "main:go.mod" is not a commit hash, branch or tag`},
		{"escape", r.dir, "\x1b[2J", r.c[5], `the running revision "\x1b[2J" is not`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := changelog.Between(context.Background(), c.dir, c.from, c.to, 0)
			if err != nil {
				t.Fatalf("Between: %v, want no error", err)
			}
			if !strings.HasPrefix(l.Reason, c.want) || len(l.Commits) != 0 || l.Direction != "" {
				t.Errorf("Between = %+v\nwant reason %q", l, c.want)
			}
			if strings.ContainsRune(l.Reason, 0x1b) {
				t.Errorf("reason carries an escape: %q", l.Reason)
			}
		})
	}
}

func TestBetween_NoGit(t *testing.T) {
	r := testRepo(t)
	t.Setenv("PATH", t.TempDir())
	l, err := changelog.Between(context.Background(), r.dir, r.c[1], r.c[5], 0)
	if err != nil || l.Reason != "git is not installed (or not on PATH): no changelog" {
		t.Errorf("Between without git = %+v, %v", l, err)
	}
}

func TestBetween_CancelledIsAnError(t *testing.T) {
	r := testRepo(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := changelog.Between(ctx, r.dir, r.c[1], r.c[5], 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Between(cancelled) error = %v, want context.Canceled", err)
	}
	if _, err := changelog.For(ctx, r.dir, []string{r.c[1]}, r.c[5], 0); !errors.Is(err, context.Canceled) {
		t.Errorf("For(cancelled) error = %v, want context.Canceled", err)
	}
}

// A mixed fleet: one Log per distinct running revision, in order.
func TestFor_MixedFleet(t *testing.T) {
	r := testRepo(t)
	running := []string{r.c[1], r.c[5], r.c[1], r.c[6], "", r.c[1]}
	logs, err := changelog.For(context.Background(), r.dir, running, r.c[5], 0)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		from  string
		hosts int
		dir   changelog.Direction
		total int
	}
	want := []row{{r.c[1], 3, changelog.Forward, 4}, {r.c[5], 1, changelog.Same, 0}, {r.c[6], 1, changelog.Diverged, 3}, {"", 1, "", 0}}
	if len(logs) != len(want) {
		t.Fatalf("For = %d logs, want %d: %+v", len(logs), len(want), logs)
	}
	for i, l := range logs {
		if got := (row{l.From, l.Hosts, l.Direction, l.Total()}); got != want[i] {
			t.Errorf("log %d = %+v, want %+v", i, got, want[i])
		}
	}
	if logs[3].Reason == "" {
		t.Errorf("a host without a revision has no reason: %+v", logs[3])
	}
	if logs, err := changelog.For(context.Background(), r.dir, nil, r.c[5], 0); err != nil || len(logs) != 0 {
		t.Errorf("For(no hosts) = %v, %v", logs, err)
	}
}
