package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// buildFleet builds cmd/fleet as `make build` does (static, trimmed) into
// a temporary directory and returns the binary's path.
func buildFleet(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "fleet")
	goCmd := os.Getenv("GO")
	if goCmd == "" {
		goCmd = "go"
	}
	cmd := exec.Command(goCmd, "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "../cmd/fleet")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("build fleet: %v\n%s", err, out)
	}
	return bin
}

// writeArtifact writes size bytes of incompressible, reproducible data.
func writeArtifact(tb testing.TB, dir string, name string, size int, seed uint64) string {
	tb.Helper()
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), 'f', 'l', 'e', 'e', 't'})
	buf := make([]byte, size)
	_, _ = r.Read(buf)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf, 0o755); err != nil {
		tb.Fatal(err)
	}
	return path
}

// run is one controller process: what it printed and what it cost.
type run struct {
	code   int
	wall   time.Duration
	cpu    time.Duration // user + system
	maxRSS int64         // bytes
	events []event
	stdout string
	stderr string
}

// event is the part of the controller's --output json lines we read.
type event struct {
	Time    time.Time `json:"time"`
	Kind    string    `json:"kind"`
	Host    string    `json:"host"`
	Step    string    `json:"step"`
	State   string    `json:"state"`
	Message string    `json:"message"`
	Error   string    `json:"error"`
}

// runFleet runs the controller with args (plus -o json) in a clean
// environment: no FLEET_… variables, no ssh-agent.
func runFleet(ctx context.Context, tb testing.TB, bin string, args ...string) run {
	tb.Helper()
	cmd := exec.CommandContext(ctx, bin, append(args, "-o", "json")...)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "FLEET_") && name != "SSH_AUTH_SOCK" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		tb.Fatalf("fleet %s: %v", args[0], err)
	}
	hwm := watchHWM(cmd.Process.Pid)
	err := cmd.Wait()
	r := run{wall: time.Since(start), stdout: stdout.String(), stderr: stderr.String(), maxRSS: hwm()}
	if cmd.ProcessState == nil {
		tb.Fatalf("fleet %s: %v", args[0], err)
	}
	r.code = cmd.ProcessState.ExitCode()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			r.events = append(r.events, e)
		}
	}
	return r
}

// watchHWM samples the process's VmHWM (peak resident set of its own
// address space) every 20ms until the returned func is called, which
// returns the last value seen, in bytes. wait4's ru_maxrss cannot be used:
// Go starts children with vfork semantics, and Linux then counts the
// parent's resident set (this benchmark's, with its simulated fleet) in
// the child's maxrss.
func watchHWM(pid int) func() int64 {
	var peak atomic.Int64
	done := make(chan struct{})
	stopped := make(chan struct{})
	status := fmt.Sprintf("/proc/%d/status", pid)
	go func() {
		defer close(stopped)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			if kb, ok := readHWM(status); ok {
				peak.Store(max(peak.Load(), kb<<10))
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		<-stopped
		return peak.Load()
	}
}

func readHWM(status string) (int64, bool) {
	data, err := os.ReadFile(status)
	if err != nil {
		return 0, false
	}
	for l := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb, err == nil
		}
	}
	return 0, false
}

// mustSucceed fails unless the command exited 0.
func (r run) mustSucceed(tb testing.TB, what string) {
	tb.Helper()
	if r.code != 0 {
		tb.Fatalf("%s: exit %d\nstderr:\n%s\nstdout (tail):\n%s", what, r.code, tail(r.stderr, 40), tail(r.stdout, 40))
	}
}

// first returns the first event of kind, or a zero event.
func (r run) first(kind string) event {
	for _, e := range r.events {
		if e.Kind == kind {
			return e
		}
	}
	return event{}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
