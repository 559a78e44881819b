//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// bgRun is a fleet process running in the background whose JSON events the
// test can wait for, to inject a fault at a precise step.
type bgRun struct {
	cmd    *exec.Cmd
	events chan map[string]any
	stderr bytes.Buffer
	done   chan run
}

func (l *lab) fleetBackground(t *testing.T, args ...string) *bgRun {
	t.Helper()
	b := &bgRun{cmd: exec.Command(l.bin, args...), events: make(chan map[string]any, 1024), done: make(chan run, 1)}
	b.cmd.Stderr = &b.stderr
	out, err := b.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		var all strings.Builder
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			all.WriteString(sc.Text() + "\n")
			var e map[string]any
			if json.Unmarshal(sc.Bytes(), &e) == nil {
				select {
				case b.events <- e:
				default:
				}
			}
		}
		close(b.events)
		err := b.cmd.Wait()
		r := run{stdout: all.String(), stderr: b.stderr.String(), events: parseEvents(all.String())}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			r.code = ee.ExitCode()
		}
		b.done <- r
	}()
	t.Cleanup(func() { _ = b.cmd.Process.Kill() })
	return b
}

// waitEvent returns the first event matching pred, failing the test after
// timeout or when the run ends first.
func (b *bgRun) waitEvent(t *testing.T, what string, timeout time.Duration, pred func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case e, ok := <-b.events:
			if !ok {
				t.Fatalf("fleet ended before %s", what)
			}
			if pred(e) {
				return e
			}
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// wait returns the run's outcome once the process has exited.
func (b *bgRun) wait(t *testing.T, timeout time.Duration) run {
	t.Helper()
	go func() {
		for range b.events { // keep draining so the process never blocks on stdout
		}
	}()
	select {
	case r := <-b.done:
		t.Logf("background fleet → exit %d\nstderr:\n%s", r.code, r.stderr)
		return r
	case <-time.After(timeout):
		t.Fatalf("fleet still running after %s", timeout)
	}
	return run{}
}

func stepIs(host, step string) func(map[string]any) bool {
	return func(e map[string]any) bool {
		return e["kind"] == "host_step" && e["step"] == step && (host == "" || e["host"] == host)
	}
}
