package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
	// marks is the CPU time spent so far when the first event of each
	// kind of markKinds arrived, by the controller and by this process.
	marks map[string]cpuMark
}

// cpuMark is the CPU time (user + system) the controller and this
// process (the simulated hosts) had used at one moment.
type cpuMark struct{ ctl, sim time.Duration }

// markKinds are the events at which runFleet reads the CPU times: the
// staging phase of a rollout lies between them.
var markKinds = []string{"plan", "staged"}

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
	marker := &marker{w: &stdout, marks: map[string]cpuMark{}}
	cmd.Stdout, cmd.Stderr = marker, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		tb.Fatalf("fleet %s: %v", args[0], err)
	}
	marker.pid.Store(int64(cmd.Process.Pid))
	hwm := watchHWM(cmd.Process.Pid)
	err := cmd.Wait()
	r := run{wall: time.Since(start), stdout: stdout.String(), stderr: stderr.String(), maxRSS: hwm(), marks: marker.marks}
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

// marker passes the controller's stdout on to w and, at the first event
// of each of markKinds, reads the controller's and this process's CPU
// time. exec's copying goroutine calls Write as the controller writes, so
// a mark lags its event by no more than a pipe read.
type marker struct {
	w       io.Writer
	pid     atomic.Int64
	partial []byte
	marks   map[string]cpuMark // read once the command has ended
}

func (m *marker) Write(p []byte) (int, error) {
	data := append(m.partial, p...)
	end := bytes.LastIndexByte(data, '\n') + 1
	for line := range bytes.Lines(data[:end]) {
		var e struct{ Kind string }
		if json.Unmarshal(line, &e) != nil || !slices.Contains(markKinds, e.Kind) {
			continue
		}
		if _, ok := m.marks[e.Kind]; !ok {
			m.marks[e.Kind] = cpuMark{ctl: procCPU(int(m.pid.Load())), sim: selfCPU()}
		}
	}
	m.partial = bytes.Clone(data[end:])
	return m.w.Write(p)
}

// procCPU is the user + system time of process pid so far (all its
// threads), from /proc/<pid>/stat; 0 if it cannot be read.
func procCPU(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command's name, which ends with the last ')':
	// state is the first, utime and stime the 12th and 13th (in clock
	// ticks, USER_HZ = 100).
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100
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
