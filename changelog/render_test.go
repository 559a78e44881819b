package changelog_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/changelog"
)

const (
	h1 = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"
	h2 = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"
	h3 = "0123456789abcdef0123456789abcdef01234567"
)

var at = time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)

func TestLog_Lines(t *testing.T) {
	cases := []struct {
		name string
		l    changelog.Log
		want []string
	}{
		{"forward", changelog.Log{From: h1, To: h2, FromCommit: h1, ToCommit: h2, Direction: changelog.Forward, Hosts: 2, More: 3,
			Commits: []changelog.Commit{{Hash: h2, Author: "Grace Hopper", Time: at, Subject: "fix the retry storm"}}},
			[]string{
				"1a2b3c4d5e6f → 9f8e7d6c5b4a (2 hosts): 4 new commits",
				"  9f8e7d6c5b4a Grace Hopper: fix the retry storm",
				"  … and 3 more",
			}},
		{"one commit", changelog.Log{From: "v1", To: h2, FromCommit: h1, ToCommit: h2, Direction: changelog.Forward,
			Commits: []changelog.Commit{{Hash: h2, Author: "Ada", Subject: "x"}}},
			[]string{"1a2b3c4d5e6f → 9f8e7d6c5b4a: 1 new commit", "  9f8e7d6c5b4a Ada: x"}},
		{"rollback", changelog.Log{From: h2, To: h1, FromCommit: h2, ToCommit: h1, Direction: changelog.Reverse, Hosts: 1,
			Commits: []changelog.Commit{{Hash: h2, Author: "Grace Hopper", Subject: "fix the retry storm"}}},
			[]string{"9f8e7d6c5b4a → 1a2b3c4d5e6f (1 host): rollback, removes 1 commit", "  9f8e7d6c5b4a Grace Hopper: fix the retry storm"}},
		{"diverged", changelog.Log{From: h3, To: h2, FromCommit: h3, ToCommit: h2, Direction: changelog.Diverged, Removed: 1,
			Commits: []changelog.Commit{{Hash: h2, Author: "Ada", Subject: "x"}, {Hash: h1, Author: "Ada", Subject: "y"}}},
			[]string{"0123456789ab → 9f8e7d6c5b4a: diverged, 2 new commits; 1 commit of the running revision go",
				"  9f8e7d6c5b4a Ada: x", "  1a2b3c4d5e6f Ada: y"}},
		{"same", changelog.Log{From: h1, To: h1, FromCommit: h1, ToCommit: h1, Direction: changelog.Same, Hosts: 3},
			[]string{"1a2b3c4d5e6f → 1a2b3c4d5e6f (3 hosts): no change"}},
		{"no changelog", changelog.Log{From: h1, To: h2, Reason: "revision 1a2b3c4d5e6f is not in /src/app: git fetch, or run fleet from the service's repository"},
			[]string{"1a2b3c4d5e6f → 9f8e7d6c5b4a: no changelog: revision 1a2b3c4d5e6f is not in /src/app: git fetch, or run fleet from the service's repository"}},
		{"unknown running", changelog.Log{To: "main", Hosts: 2, Reason: "the running release has no known revision"},
			[]string{"(unknown) → main (2 hosts): no changelog: the running release has no known revision"}},
		// A Log decoded from someone else's JSON is cleaned again.
		{"hostile JSON", changelog.Log{From: h1, To: h2, Direction: changelog.Forward,
			Commits: []changelog.Commit{{Hash: "\x1b[2J", Author: "e\x1b]0;x\x07vil", Subject: "a\nb\x1b[31m"}}},
			[]string{"1a2b3c4d5e6f → 9f8e7d6c5b4a: 1 new commit", "   evil: a b"}},
	}
	for _, c := range cases {
		if got := c.l.Lines(); strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s: Lines =\n%s\nwant\n%s", c.name, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
}

func TestLog_JSON(t *testing.T) {
	l := changelog.Log{From: h1, To: h2, FromCommit: h1, ToCommit: h2, Direction: changelog.Forward, More: 2, Hosts: 1,
		Commits: []changelog.Commit{{Hash: h2, Author: "Ada", Time: at, Subject: "fix"}}}
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"from":"` + h1 + `","to":"` + h2 + `","from_commit":"` + h1 + `","to_commit":"` + h2 + `","direction":"forward",` +
		`"commits":[{"hash":"` + h2 + `","author":"Ada","time":"2026-11-05T10:00:00Z","subject":"fix"}],"more":2,"hosts":1}`
	if string(b) != want {
		t.Errorf("JSON = %s\nwant   %s", b, want)
	}
	b, _ = json.Marshal(changelog.Log{From: h1, To: h2, Reason: "why"})
	if want := `{"from":"` + h1 + `","to":"` + h2 + `","reason":"why"}`; string(b) != want {
		t.Errorf("JSON = %s\nwant   %s", b, want)
	}
}
