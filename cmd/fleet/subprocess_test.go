package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/hostsim"
	"github.com/fleetdeploy/fleet/report"
)

// The fleet binary, built once for the tests that run it as a process:
// exit codes and signals as a shell or CI job sees them.
var fleetBin struct {
	once sync.Once
	path string
	err  error
}

func buildFleet(t *testing.T) string {
	t.Helper()
	fleetBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "fleet-bin-")
		if err != nil {
			fleetBin.err = err
			return
		}
		fleetBin.path = filepath.Join(dir, "fleet")
		out, err := exec.Command(goTool(t), "build", "-o", fleetBin.path, ".").CombinedOutput()
		if err != nil {
			fleetBin.err = errors.New(string(out))
		}
	})
	if fleetBin.err != nil {
		t.Fatalf("go build: %v", fleetBin.err)
	}
	return fleetBin.path
}

// goTool finds the go command that runs the tests.
func goTool(t *testing.T) string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	t.Fatal("no go command on PATH and GOROOT unset")
	return ""
}

// command is `fleet <cmd> -i <inventory> --agent-binary <bin> args…` as a
// process with no FLEET_ variables and no ssh-agent.
func (s *sim) command(cmd string, args ...string) *exec.Cmd {
	c := exec.Command(buildFleet(s.t), append([]string{cmd, "-i", s.inv, "--agent-binary", s.agentBin}, args...)...)
	c.Env = []string{"HOME=" + s.t.TempDir(), "PATH=" + os.Getenv("PATH"), "TERM=xterm"}
	return c
}

func exitCodeOfProcess(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatalf("run fleet: %v", err)
	return -1
}

// TestSubprocess_ExitCodes: the exit codes a shell sees for success and
// for a refused start, and the last JSON line in both cases.
func TestSubprocess_ExitCodes(t *testing.T) {
	s := newSim(t, 2, hostsim.Options{}, "")
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"Succeeded", []string{"-o", "json", "-a", s.artifact("v1"), "--version", "v1"}, exitOK},
		{"BadInput", []string{"-o", "json", "-a", s.artifact("v1"), "--version", "../v1"}, exitCannotStart},
		{"MissingArtifact", []string{"-o", "json", "-a", filepath.Join(t.TempDir(), "nope")}, exitCannotStart},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			c := s.command("rollout", tc.args...)
			c.Stdout, c.Stderr = &stdout, &stderr
			if code := exitCodeOfProcess(t, c.Run()); code != tc.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tc.code, stdout.String(), stderr.String())
			}
			r := result{stdout: stdout.String(), stderr: stderr.String()}
			if last := r.lastEvent(t); *last.ExitCode != tc.code {
				t.Errorf("rollout_done %+v", last)
			}
		})
	}
}

// TestSubprocess_Interrupt: SIGINT while a host is in its gate lets that
// host finish, starts no other, and exits 130 with rollout_done and the
// report saying so.
func TestSubprocess_Interrupt(t *testing.T) {
	g := newGateBlocker()
	s := newSim(t, 3, hostsim.Options{Unhealthy: g.unhealthy}, "")
	t.Cleanup(g.Release)
	files := newReportFiles(t)
	c := s.command("rollout", append([]string{"-o", "json", "-a", s.artifact("v1"), "--version", "v1"}, files.flags()...)...)
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1000)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	select {
	case <-g.entered:
	case <-time.After(30 * time.Second):
		_ = c.Process.Kill()
		_ = c.Wait() // stderr is written until the process is reaped
		t.Fatalf("never reached a gate:\n%s", stderr.String())
	}
	if err := c.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	// Let the signal land before the gate opens.
	time.Sleep(200 * time.Millisecond)
	g.Release()
	var out []string
	for l := range lines {
		out = append(out, l)
	}
	code := exitCodeOfProcess(t, c.Wait())
	if code != exitInterrupted {
		t.Fatalf("exit %d, want 130\n%s\n%s", code, strings.Join(out, "\n"), stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted: letting in-flight hosts finish") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	r := result{stdout: strings.Join(out, "\n") + "\n"}
	last := r.lastEvent(t)
	if last.Result != report.Interrupted || *last.ExitCode != exitInterrupted {
		t.Errorf("rollout_done %+v", last)
	}
	rep := files.readReport(t)
	if rep.Result != report.Interrupted || rep.ExitCode != exitInterrupted {
		t.Errorf("report %s %d", rep.Result, rep.ExitCode)
	}
	results := hostResults(rep)
	changed := 0
	for _, res := range results {
		if res == report.HostChanged {
			changed++
		} else if res != report.HostNotStarted {
			t.Errorf("host result %q: %v", res, results)
		}
	}
	if changed != 1 {
		t.Errorf("%d hosts changed, want the one in flight: %v", changed, results)
	}
}

// TestSubprocess_Terminal: the binary, its stdin, stdout and stderr on a
// pseudo-terminal, asks before changing the whole fleet, then draws the
// rollout live.
func TestSubprocess_Terminal(t *testing.T) {
	s := newSim(t, 2, hostsim.Options{}, "")
	p := openPTY(t, 90)
	c := s.command("rollout", "-a", s.artifact("v1"), "--version", "v1")
	c.Stdin, c.Stdout, c.Stderr = p.tty, p.tty, p.tty
	c.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	p.closeTTY() // the child holds it now
	p.waitFor(t, "rollout of v1 changes 2 of the fleet's 2 hosts (100%), more than 50%. Continue? [y/N]")
	p.type_(t, "y\n")
	code := exitCodeOfProcess(t, c.Wait())
	out := p.output(t)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	screen := strings.Join(screenLines(out), "\n")
	for _, want := range []string{"✓ sim1", "✓ sim2", "✓ rollout succeeded", "HOST  FROM"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the terminal never showed %q:\n%s", want, screen)
		}
	}
	if !strings.Contains(out, "\x1b[J") {
		t.Errorf("no live redraw:\n%q", out)
	}
	var v any
	if json.Unmarshal([]byte(strings.TrimSpace(screenLines(out)[0])), &v) == nil {
		t.Error("JSON on a terminal")
	}
}
