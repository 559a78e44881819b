package provenance_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The fixture's git commit: its time, as Go stamps it (UTC, RFC 3339),
// and the tag that makes the main module's version.
const (
	fixtureModule = "example.com/acme/app"
	fixtureTime   = "2026-12-01T10:00:00Z"
	fixtureTag    = "v1.4.2"
)

// fixture is a tiny Go program built twice from a temporary git
// repository, with -buildvcs=true: clean at the tagged commit, then with
// an uncommitted change.
type fixture struct {
	clean, dirty string // the binaries
	revision     string // the commit, full hash
	skip         string // why the fixture cannot be built (no git, no go)
	err          string // why building it failed
}

var (
	fixtureOnce sync.Once
	fixtureVal  fixture
)

// built returns the fixture, building it on first use; it skips t when
// git or go is missing.
func built(t *testing.T) fixture {
	t.Helper()
	fixtureOnce.Do(func() { fixtureVal = buildFixture() })
	if fixtureVal.skip != "" {
		t.Skip(fixtureVal.skip)
	}
	if fixtureVal.err != "" {
		t.Fatal(fixtureVal.err)
	}
	return fixtureVal
}

// buildFixture builds the fixture into a temporary directory that lives as
// long as the test binary (removed by TestMain).
func buildFixture() fixture {
	if _, err := exec.LookPath("git"); err != nil {
		return fixture{skip: "git not found: " + err.Error()}
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return fixture{skip: "go not found: " + err.Error()}
	}
	dir, err := os.MkdirTemp("", "provenance-test-")
	if err != nil {
		return fixture{err: err.Error()}
	}
	fixtureDir = dir
	repo, out := filepath.Join(dir, "repo"), filepath.Join(dir, "bin")
	env := fixtureEnv(dir)
	files := map[string]string{
		"go.mod":    "module " + fixtureModule + "\n\ngo 1.26\n",
		"main.go":   "package main\n\nfunc main() { println(\"hello\") }\n",
		"README.md": "app\n",
	}
	for _, d := range []string{repo, out} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fixture{err: err.Error()}
		}
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(repo, name), []byte(body), 0o644); err != nil {
			return fixture{err: err.Error()}
		}
	}
	var f fixture
	steps := [][]string{
		{"git", "init", "-q", "-b", "main"},
		{"git", "add", "."},
		{"git", "commit", "-q", "-m", "first"},
		{"git", "tag", fixtureTag},
		{goTool, "build", "-buildvcs=true", "-o", filepath.Join(out, "clean"), "."},
	}
	if msg := run(repo, env, steps...); msg != "" {
		return fixture{err: msg}
	}
	rev, err := command(repo, env, "git", "rev-parse", "HEAD").Output()
	if err != nil {
		return fixture{err: "git rev-parse: " + err.Error()}
	}
	f.revision = strings.TrimSpace(string(rev))
	if err := os.WriteFile(filepath.Join(repo, "README.md"), []byte("app, changed\n"), 0o644); err != nil {
		return fixture{err: err.Error()}
	}
	if msg := run(repo, env, []string{goTool, "build", "-buildvcs=true", "-o", filepath.Join(out, "dirty"), "."}); msg != "" {
		return fixture{err: msg}
	}
	f.clean, f.dirty = filepath.Join(out, "clean"), filepath.Join(out, "dirty")
	return f
}

// fixtureDir is removed by TestMain.
var fixtureDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// fixtureEnv is the environment for git and go: no user or system git
// config, no repository from the environment, a fixed commit identity and
// time, no network and no toolchain switch.
func fixtureEnv(dir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "GIT_") && k != "GOFLAGS" {
			env = append(env, kv)
		}
	}
	return append(env,
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(dir, "gitconfig"),
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com", "GIT_AUTHOR_DATE="+fixtureTime,
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com", "GIT_COMMITTER_DATE="+fixtureTime,
		"GOWORK=off", "GOPROXY=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0", "GOFLAGS=-mod=mod",
	)
}

// run runs each argv in dir and returns what went wrong, or "".
func run(dir string, env []string, argvs ...[]string) string {
	for _, argv := range argvs {
		if out, err := command(dir, env, argv[0], argv[1:]...).CombinedOutput(); err != nil {
			return strings.Join(argv, " ") + ": " + err.Error() + "\n" + string(out)
		}
	}
	return ""
}

func command(dir string, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	return cmd
}
