//go:build unix

package agent_test

import (
	"bytes"
	"context"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
)

func me(t *testing.T) string {
	u, err := user.Current()
	if err != nil {
		t.Skip(err)
	}
	return u.Username
}

func TestExecHookRunner_EnvDirAndOutput(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("FLEET_LEAK", "secret")
	var out bytes.Buffer
	c := agent.HookCommand{Argv: []string{"/bin/sh", "-c", "pwd; env | sort; echo oops >&2"}, Dir: dir,
		Env: []string{"PATH=/usr/bin:/bin", "FLEET_VERSION=v2"}, User: me(t), Timeout: 10 * time.Second}
	if err := (agent.ExecHookRunner{}).RunHook(context.Background(), c, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{dir + "\n", "FLEET_VERSION=v2\n", "PATH=/usr/bin:/bin\n", "oops\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "FLEET_LEAK") {
		t.Errorf("the agent's environment leaked:\n%s", got)
	}
}

func TestExecHookRunner_ExitStatus(t *testing.T) {
	c := agent.HookCommand{Argv: []string{"/bin/sh", "-c", "exit 3"}, Dir: t.TempDir(), User: me(t), Timeout: 10 * time.Second}
	err := (agent.ExecHookRunner{}).RunHook(context.Background(), c, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("err = %v, want exit status 3", err)
	}
}

// A timeout kills the hook's whole process group: a child it started in
// the background does not outlive it.
func TestExecHookRunner_TimeoutKillsTheGroup(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child")
	c := agent.HookCommand{Argv: []string{"/bin/sh", "-c", "sleep 60 & echo $! > child; wait"}, Dir: dir,
		Env: []string{"PATH=/usr/bin:/bin"}, User: me(t), Timeout: 300 * time.Millisecond}
	start := time.Now()
	err := (agent.ExecHookRunner{}).RunHook(context.Background(), c, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v, want timed out", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	deadline := time.Now().Add(3 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("child %d still runs", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestExecHookRunner_RunsAsTheUser(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to change user")
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		t.Skip(err)
	}
	var out bytes.Buffer
	c := agent.HookCommand{Argv: []string{"/usr/bin/id", "-u"}, Dir: "/", User: "nobody", Timeout: 10 * time.Second}
	if err := (agent.ExecHookRunner{}).RunHook(context.Background(), c, &out); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(out.String()); got != u.Uid {
		t.Errorf("uid %s, want %s", got, u.Uid)
	}
	c.User = "no-such-user-here"
	if err := (agent.ExecHookRunner{}).RunHook(context.Background(), c, &out); err == nil || !strings.Contains(err.Error(), "no-such-user-here") {
		t.Errorf("unknown user: %v", err)
	}
}
