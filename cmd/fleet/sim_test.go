package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
)

// TestMain keeps the tests hermetic: flags read FLEET_… variables, and the
// transport would offer the keys of an ssh-agent found at SSH_AUTH_SOCK.
func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "FLEET_") || name == "SSH_AUTH_SOCK" {
			os.Unsetenv(name)
		}
	}
	// The controller's record of verified agents (deploy.AgentCachePath)
	// is the user's; the tests keep one of their own.
	cache, err := os.MkdirTemp("", "fleet-test-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", cache)
	code := m.Run()
	_ = os.RemoveAll(cache)
	if fleetBin.path != "" {
		_ = os.RemoveAll(filepath.Dir(fleetBin.path))
	}
	os.Exit(code)
}

// sim is a simulated fleet plus what the commands need to run against it:
// its inventory, a small agent binary (not this multi-megabyte test
// binary) and one artifact per version.
type sim struct {
	t        *testing.T
	fleet    *hostsim.Fleet
	inv      string
	agentBin string

	mu        sync.Mutex
	artifacts map[string]string
}

// newSim starts n hosts. extra is appended to the inventory (see
// hostsim.Fleet.WriteInventory).
func newSim(t *testing.T, n int, o hostsim.Options, extra string) *sim {
	t.Helper()
	f := hostsim.New(t, n, o)
	bin := filepath.Join(t.TempDir(), "fleet-agent")
	if err := os.WriteFile(bin, []byte("#!/bin/false\nsimulated fleet agent\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return &sim{t: t, fleet: f, inv: f.WriteInventory(t, extra), agentBin: bin, artifacts: map[string]string{}}
}

// artifact is a release binary for version, the same bytes every time.
func (s *sim) artifact(version string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.artifacts[version]; ok {
		return p
	}
	p := filepath.Join(s.t.TempDir(), "hello-"+version)
	if err := os.WriteFile(p, []byte("hello "+version+"\n"), 0o755); err != nil {
		s.t.Fatal(err)
	}
	s.artifacts[version] = p
	return p
}

// result is one in-process run of the command line.
type result struct {
	args   []string
	code   int
	stdout string
	stderr string
}

// run runs `fleet <cmd> -i <inventory> -o json --agent-binary <bin> args…`.
func (s *sim) run(ctx context.Context, cmd string, args ...string) result {
	s.t.Helper()
	full := append([]string{"fleet", cmd, "-i", s.inv, "-o", "json", "--agent-binary", s.agentBin}, args...)
	return runArgs(ctx, full)
}

func runArgs(ctx context.Context, args []string) result {
	var stdout, stderr lockedBuffer
	code := run(ctx, args, &stdout, &stderr)
	return result{args: args, code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// rollout rolls version out (extra flags after).
func (s *sim) rollout(version string, extra ...string) result {
	s.t.Helper()
	return s.run(s.t.Context(), "rollout", append([]string{"-a", s.artifact(version), "--version", version}, extra...)...)
}

// mustRollout rolls version out and fails the test unless it succeeded.
func (s *sim) mustRollout(version string, extra ...string) result {
	s.t.Helper()
	r := s.rollout(version, extra...)
	r.wantCode(s.t, exitOK)
	return r
}

func (r result) wantCode(t *testing.T, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.args[:2], " "), r.code, code, r.stdout, r.stderr)
	}
}

// events parses the JSON event lines of stdout.
func (r result) events(t *testing.T) []event {
	t.Helper()
	var evs []event
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("stdout line %q is not an event: %v", sc.Text(), err)
		}
		if e.Schema != deploy.Schema || e.Kind == "" || e.Time.IsZero() {
			t.Fatalf("malformed event %q", sc.Text())
		}
		evs = append(evs, e)
	}
	return evs
}

// kind returns the events of one kind, or host steps of one step name
// when kind is "host_step:<step>".
func (r result) kind(t *testing.T, kind string) []event {
	t.Helper()
	kind, step, isStep := strings.Cut(kind, ":")
	var out []event
	for _, e := range r.events(t) {
		if string(e.Kind) == kind && (!isStep || e.Step == step) {
			out = append(out, e)
		}
	}
	return out
}

// hostsOf lists the distinct hosts of events, sorted.
func hostsOf(evs []event) []string {
	var hosts []string
	for _, e := range evs {
		if !slices.Contains(hosts, e.Host) {
			hosts = append(hosts, e.Host)
		}
	}
	slices.Sort(hosts)
	return hosts
}

// done is the rollout_done event's state.
func (r result) done(t *testing.T) string {
	t.Helper()
	evs := r.kind(t, "rollout_done")
	if len(evs) != 1 {
		t.Fatalf("%d rollout_done events, want 1:\n%s", len(evs), r.stdout)
	}
	return evs[0].State
}

// snapshot is what a test compares to prove nothing changed on a host.
type snapshot struct {
	current  string
	releases string
	restarts int
	journal  int
}

func (s *sim) snapshot() map[string]snapshot {
	m := map[string]snapshot{}
	for _, h := range s.fleet.Hosts() {
		m[h.Name()] = snapshot{
			current:  h.Current(),
			releases: fmt.Sprint(h.Releases()),
			restarts: h.Restarts(),
			journal:  changes(h.JournalEntries(s.t)),
		}
	}
	return m
}

// changes counts the journal entries of ops that change the host: all but
// lock, which every mutating command takes.
func changes(entries []agent.JournalEntry) int {
	n := 0
	for _, e := range entries {
		if e.Op != agent.OpLock {
			n++
		}
	}
	return n
}

func (s *sim) wantUnchanged(before, after map[string]snapshot) {
	s.t.Helper()
	for name, b := range before {
		if a := after[name]; a != b {
			s.t.Errorf("%s changed: before %+v, after %+v", name, b, a)
		}
	}
}

// lockedBuffer is a bytes.Buffer safe for the concurrent writers of a run
// (progress, slog).
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// hostStatus is a row of status and releases -o json.
type hostStatus = deploy.HostStatus

// fileSHA256 returns the hex SHA-256 of a file.
func fileSHA256(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}
