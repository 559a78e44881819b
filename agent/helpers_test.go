package agent_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/agent/agenttest"
	"github.com/fleetdeploy/fleet/appspec"
)

const (
	testUnit   = "app.service"
	testBinary = "app"
)

// host is one fake host: a temp root, fake systemd, journal, Consul and
// clock. consul and slots, when set, go into the spec; prefix and dial
// into Deps; transcript, when set, gets a copy of the agent's output.
type host struct {
	root       string
	prefix     string
	dial       func(ctx context.Context, network, address string) (net.Conn, error)
	transcript io.Writer
	units      *agenttest.Units
	journal    *agenttest.Journal
	registry   *agenttest.Registry
	clock      *agenttest.Clock
	checks     []appspec.Check
	consul     *appspec.Consul
	slots      *appspec.Slots
	logger     *slog.Logger
	hooks      *appspec.Hooks   // the spec's
	hookRunner agent.HookRunner // Deps.Hooks
}

func newHost(t *testing.T) *host {
	t.Helper()
	return &host{
		root:     filepath.Join(t.TempDir(), "opt", "app"),
		units:    agenttest.NewUnits(),
		journal:  agenttest.NewJournal(),
		registry: agenttest.NewRegistry(),
		clock:    agenttest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)),
		checks:   []appspec.Check{{Systemd: &appspec.SystemdCheck{Unit: testUnit}}},
	}
}

func (h *host) deps() agent.Deps {
	return agent.Deps{
		Units: h.units, Journal: h.journal,
		Now: h.clock.Now, NewTicker: h.clock.NewTicker, NewTimer: h.clock.NewTimer,
		NewRegistry: h.registry.New, Logger: h.logger,
		Hostname: "web1", Arch: "amd64", User: "root", AgentVersion: "test",
		SudoUID: -1, SudoGID: -1, RootPrefix: h.prefix, Dial: h.dial, Hooks: h.hookRunner,
	}
}

func (h *host) spec() appspec.Spec {
	return appspec.Spec{
		Name: "app", Root: h.root, Binary: testBinary, Units: []string{testUnit}, Keep: 3,
		Health: appspec.Health{
			MinHealthyTime: appspec.Duration(10 * time.Second),
			Deadline:       appspec.Duration(time.Minute),
			Interval:       appspec.Duration(5 * time.Second),
			Checks:         h.checks,
		},
		Consul: h.consul,
		Slots:  h.slots,
		Hooks:  h.hooks,
	}
}

// agentSession is a running Serve wired to a Client over pipes.
type agentSession struct {
	c    *agent.Client
	done chan error // Serve's result
	stop func()     // ends the session as a dead SSH connection would
}

// start runs Serve on h without hello.
func (h *host) start(t *testing.T) *agentSession {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	out := io.Writer(outW)
	if h.transcript != nil {
		out = io.MultiWriter(outW, h.transcript)
	}
	go func() {
		err := agent.Serve(context.Background(), inR, out, h.deps())
		_ = outW.Close()
		done <- err
	}()
	s := &agentSession{c: agent.NewClient(inW, outR), done: done}
	s.stop = func() {
		_ = s.c.Close()
		_ = outR.Close() // nobody reads the agent's output any more
	}
	t.Cleanup(func() {
		s.stop()
		if err := s.wait(t); err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return s
}

// wait returns Serve's result, failing the test if Serve does not return.
func (s *agentSession) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-s.done:
		s.done <- err // later waits see it too
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its input closed")
		return nil
	}
}

// open runs Serve and does hello + lock.
func (h *host) open(t *testing.T) *agentSession {
	t.Helper()
	s := h.start(t)
	ctx := context.Background()
	if _, err := s.c.Hello(ctx, h.hello()); err != nil {
		t.Fatalf("Hello: %v", err)
	}
	if _, err := s.c.Lock(ctx); err != nil {
		t.Fatalf("Lock: %v", err)
	}
	return s
}

func (h *host) hello() agent.HelloArgs {
	return agent.HelloArgs{
		App: h.spec(),
		Controller: agent.Holder{
			User: "alice", Machine: "laptop", PID: 4242, Command: "fleet deploy app", RolloutID: "r1",
		},
	}
}

func sum(content string) string {
	s := sha256.Sum256([]byte(content))
	return hex.EncodeToString(s[:])
}

// stage uploads content as version v, the way the controller does.
func stage(t *testing.T, c *agent.Client, v, content string) agent.Release {
	t.Helper()
	ctx := context.Background()
	b, err := c.StageBegin(ctx, agent.StageBeginArgs{Version: v, SHA256: sum(content), Size: int64(len(content))})
	if err != nil {
		t.Fatalf("StageBegin %s: %v", v, err)
	}
	if b.Present {
		t.Fatalf("StageBegin %s: unexpectedly present", v)
	}
	if err := os.WriteFile(b.UploadPath, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := c.StageCommit(ctx, agent.StageCommitArgs{Version: v, SHA256: sum(content), UploadPath: b.UploadPath})
	if err != nil {
		t.Fatalf("StageCommit %s: %v", v, err)
	}
	return r.Release
}

// deploy stages v, switches to it and runs a gate that passes or fails.
func (h *host) deploy(t *testing.T, c *agent.Client, v string, healthy bool) {
	t.Helper()
	stage(t, c, v, "binary "+v)
	h.switchAndGate(t, c, v, healthy)
}

// switchAndGate switches to an installed v and runs a gate that passes or
// fails, driving the fake clock one interval per probe round.
func (h *host) switchAndGate(t *testing.T, c *agent.Client, v string, healthy bool) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.Switch(ctx, agent.SwitchArgs{Version: v}); err != nil {
		t.Fatalf("Switch %s: %v", v, err)
	}
	state := "failed"
	if healthy {
		state = "active"
	}
	h.units.SetState(testUnit, state)
	_, err := c.Health(ctx, agent.HealthArgs{Version: v}, func(agent.Event) { h.clock.Tick(5 * time.Second) })
	if healthy && err != nil {
		t.Fatalf("Health %s: %v", v, err)
	}
	if !healthy && !errors.Is(err, agent.CodeUnhealthy) {
		t.Fatalf("Health %s: got %v, want unhealthy", v, err)
	}
}

// wantCode fails unless err is an *agent.Error with code.
func wantCode(t *testing.T, err error, code agent.Code) *agent.Error {
	t.Helper()
	var e *agent.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want *agent.Error with code %s", err, code)
	}
	if e.Code != code {
		t.Fatalf("got code %s (%v), want %s", e.Code, err, code)
	}
	return e
}

// releaseDirs lists names under releases/, temporary ones included.
func releaseDirs(t *testing.T, root string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(root, "releases"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
