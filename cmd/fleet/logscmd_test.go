package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/hostsim"
)

// fleet logs: flags → options, one JSON object per line from every host,
// and what users get wrong refused with exit 3 before any host is asked.
func TestLogs_Command(t *testing.T) {
	s := newSim(t, 2, hostsim.Options{}, "")
	for _, h := range s.fleet.Hosts() {
		h.Journal().Log("hello.service", "one", "two", "three "+h.Name())
	}
	r := s.run(t.Context(), "logs", "-n", "1")
	r.wantCode(t, exitOK)
	hosts := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var rec struct{ Host, Unit, Message string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Unit != "hello.service" || rec.Message != "three "+rec.Host {
			t.Errorf("line %q (%v): want the last line of a host", line, err)
		}
		hosts[rec.Host] = true
	}
	if len(hosts) != 2 {
		t.Errorf("lines of %d hosts, want 2:\n%s", len(hosts), r.stdout)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sim1"}, `unexpected argument "sim1"`},
		{[]string{"--since", "yesterday"}, `--since "yesterday"`},
		{[]string{"-n", "0"}, "--lines 0"},
	} {
		r := s.run(t.Context(), "logs", tc.args...)
		r.wantCode(t, exitCannotStart)
		if !strings.Contains(r.stderr, tc.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("fleet logs %q: stderr %q, want one line with %q", tc.args, r.stderr, tc.want)
		}
	}
}

// fleet logs -f follows until Ctrl-C, which is exit 0.
func TestLogs_FollowInterruptedIsSuccess(t *testing.T) {
	s := newSim(t, 1, hostsim.Options{}, "")
	h := s.fleet.Hosts()[0]
	h.Journal().Log("hello.service", "before")
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan result, 1)
	var out lockedBuffer
	go func() {
		full := []string{"fleet", "logs", "-i", s.inv, "--agent-binary", s.agentBin, "-f"}
		var stderr lockedBuffer
		code := run(ctx, full, &out, &stderr)
		done <- result{args: full, code: code, stdout: out.String(), stderr: stderr.String()}
	}()
	deadline := time.Now().Add(10 * time.Second)
	h.Journal().Log("hello.service", "after")
	for !strings.Contains(out.String(), "hello.service: after") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	r := <-done
	r.wantCode(t, exitOK)
	if !strings.Contains(r.stdout, "sim1 | ") || !strings.Contains(r.stdout, "hello.service: before") || !strings.Contains(r.stdout, "hello.service: after") {
		t.Errorf("stdout %q, want before and after after sim1's prefix", r.stdout)
	}
}
