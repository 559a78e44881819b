package changelog_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// repo is a git repository the tests build once and only read:
//
//	c1 (tag v1) ─ c2 ─ c3 ─ c4 ─ c5   main
//	               └─ c6              side
//
// c3's subject carries escape sequences. shallow is a depth-1 clone of it.
type repo struct {
	dir, shallow string
	c            [7]string // c[1]..c[6]: full hashes
	skip, err    string
}

// commits are c1..c6: author, author date, subject; c6 is on side.
var commits = []struct{ author, date, subject string }{
	{"Ada Lovelace", "2026-11-01T10:00:00Z", "initial"},
	{"Grace Hopper", "2026-11-02T10:00:00Z", "add retry"},
	{"Linus", "2026-11-03T10:00:00Z", "\x1b[31mred\x1b[0m alert: fix \x1b]8;;http://evil.example\x07link\x1b]8;;\x07 \u202egnp.exe"},
	{"Ada Lovelace", "2026-11-04T10:00:00Z", "bump deps"},
	{"Grace Hopper", "2026-11-05T10:00:00Z", "fix the retry storm"},
	{"Ken", "2026-11-06T10:00:00Z", "hotfix on a side branch"},
}

var (
	repoOnce sync.Once
	repoVal  repo
	repoTemp string // removed by TestMain
)

func TestMain(m *testing.M) {
	code := m.Run()
	if repoTemp != "" {
		os.RemoveAll(repoTemp)
	}
	os.Exit(code)
}

// testRepo returns the repository, building it on first use; it skips t
// when git is missing.
func testRepo(t *testing.T) repo {
	t.Helper()
	repoOnce.Do(func() { repoVal = buildRepo() })
	if repoVal.skip != "" {
		t.Skip(repoVal.skip)
	}
	if repoVal.err != "" {
		t.Fatal(repoVal.err)
	}
	return repoVal
}

func buildRepo() repo {
	if _, err := exec.LookPath("git"); err != nil {
		return repo{skip: "git not found: " + err.Error()}
	}
	tmp, err := os.MkdirTemp("", "changelog-test-")
	if err != nil {
		return repo{err: err.Error()}
	}
	repoTemp = tmp
	r := repo{dir: filepath.Join(tmp, "repo"), shallow: filepath.Join(tmp, "shallow")}
	env := baseEnv(tmp)
	if msg := git(r.dir, env, nil, "init", "-q", "-b", "main", r.dir); msg != "" {
		return repo{err: msg}
	}
	for i, c := range commits {
		n := i + 1
		if n == 6 {
			if msg := git(r.dir, env, nil, "checkout", "-q", "-b", "side", r.c[2]); msg != "" {
				return repo{err: msg}
			}
		}
		who := []string{"GIT_AUTHOR_NAME=" + c.author, "GIT_AUTHOR_EMAIL=a@example.com", "GIT_AUTHOR_DATE=" + c.date,
			"GIT_COMMITTER_NAME=" + c.author, "GIT_COMMITTER_EMAIL=a@example.com", "GIT_COMMITTER_DATE=" + c.date}
		if msg := git(r.dir, append(env, who...), nil, "commit", "-q", "--allow-empty", "-m", c.subject); msg != "" {
			return repo{err: msg}
		}
		var out strings.Builder
		if msg := git(r.dir, env, &out, "rev-parse", "HEAD"); msg != "" {
			return repo{err: msg}
		}
		r.c[n] = strings.TrimSpace(out.String())
		if n == 1 {
			if msg := git(r.dir, env, nil, "tag", "v1"); msg != "" {
				return repo{err: msg}
			}
		}
	}
	if msg := git(r.dir, env, nil, "checkout", "-q", "main"); msg != "" {
		return repo{err: msg}
	}
	if msg := git(tmp, env, nil, "clone", "-q", "--depth", "1", "file://"+r.dir, r.shallow); msg != "" {
		return repo{err: msg}
	}
	return r
}

// baseEnv: no user or system git config, no repository from the
// environment.
func baseEnv(tmp string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	return append(env, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(tmp, "gitconfig"))
}

// git runs git in dir and returns what went wrong, or "".
func git(dir string, env []string, stdout *strings.Builder, args ...string) string {
	cmd := exec.Command("git", args...)
	if _, err := os.Stat(dir); err == nil {
		cmd.Dir = dir
	}
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if stdout != nil {
		cmd.Stdout = stdout
	}
	if err := cmd.Run(); err != nil {
		return "git " + strings.Join(args, " ") + ": " + err.Error() + "\n" + stderr.String()
	}
	return ""
}
