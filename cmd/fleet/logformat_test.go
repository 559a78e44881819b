package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
)

// With --log-format json every line on stderr is a JSON object — the
// controller's logs, the agents' (with their host), and the command's own
// error at the end — and stdout's events are unchanged.
func TestLogFormat_JSONOnlyOnStderr(t *testing.T) {
	s := newSim(t, 2, hostsim.Options{}, "")
	r := s.rollout("v1", "--log-format", "json", "--log-level", "debug")
	r.wantCode(t, exitOK)
	agentLines := jsonLines(t, r.stderr)
	hosts := map[string]bool{}
	for _, m := range agentLines {
		if m["source"] == "agent" {
			hosts[m["host"].(string)] = true
		}
	}
	if len(hosts) != 2 {
		t.Errorf("agent log lines came from %v, want both hosts", hosts)
	}
	// A refused run ends with its error, as JSON too.
	bad := s.run(t.Context(), "rollout", "--log-format", "json", "-a", s.artifact("v1"), "--version", "../v1")
	bad.wantCode(t, exitCannotStart)
	lines := jsonLines(t, bad.stderr)
	if last := lines[len(lines)-1]; last["level"] != "ERROR" || !strings.HasPrefix(last["msg"].(string), "fleet: ") {
		t.Errorf("last stderr line %v, want the error as a JSON record", last)
	}
	// So does a command line that does not parse; the env var works too.
	t.Setenv("FLEET_LOG_FORMAT", "json")
	u := runArgs(t.Context(), []string{"fleet", "rollout", "oops"})
	if u.code != exitCannotStart || len(jsonLines(t, u.stderr)) != 1 {
		t.Errorf("usage error: exit %d, stderr %q", u.code, u.stderr)
	}
	if v := runArgs(t.Context(), []string{"fleet", "status", "-i", s.inv, "--log-format", "yaml"}); v.code != exitCannotStart ||
		!strings.Contains(v.stderr, `--log-format "yaml": want text or json`) {
		t.Errorf("bad format: exit %d, stderr %q", v.code, v.stderr)
	}
}

func jsonLines(t *testing.T, text string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("stderr line is not JSON: %q", line)
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		t.Fatal("nothing on stderr")
	}
	return out
}
