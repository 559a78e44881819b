package agent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
)

// syncBuffer is a log sink safe for the agent's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestConsulToken_NeverLeaks drives every op, failures included, and then
// looks for the token everywhere the agent writes: its log, every file
// under root (journal, state, env files, lock), every result and error.
func TestConsulToken_NeverLeaks(t *testing.T) {
	var logs syncBuffer
	h := newHost(t)
	h.logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.withConsul().Token = consulToken
	h.consul.Gate = true
	h.withSlots()
	h.units.SetState(testUnit, "active")
	s := h.open(t)
	ctx := context.Background()
	var seen []string // results and errors, as text
	record := func(res any, err error) {
		b, _ := json.Marshal(res)
		seen = append(seen, string(b), fmt.Sprint(err))
	}
	tick := func(agent.Event) { h.clock.Tick(5 * time.Second) }

	stage(t, s.c, "1", "one")
	record(s.c.Switch(ctx, agent.SwitchArgs{Version: "1", Slot: blue}))
	record(s.c.Restart(ctx, agent.RestartArgs{Slot: blue}))
	record(s.c.Register(ctx, agent.RegisterArgs{Slot: blue}))
	h.registry.SetChecks("app-blue", agent.CheckPassing)
	record(s.c.Health(ctx, agent.HealthArgs{Slot: blue}, tick))
	record(s.c.Enable(ctx, agent.EnableArgs{Slot: blue}))
	record(s.c.ServeSlot(ctx, agent.ServeArgs{Slot: blue}))
	record(s.c.Pending(ctx, agent.PendingArgs{Version: "1"}))
	done := async(func() error { res, err := s.c.Drain(ctx, agent.DrainArgs{Slot: blue}); record(res, err); return err })
	waitFor(t, "drain's timer", func() bool { return h.clock.Timers() == 1 })
	h.clock.Tick(drainTime)
	<-done
	record(s.c.Stop(ctx, agent.StopArgs{Slot: blue}))
	record(s.c.Probe(ctx))
	// Failures: Consul down, a refused op, a gate that fails.
	h.registry.SetDown(true)
	record(s.c.Drain(ctx, agent.DrainArgs{Slot: green}))
	record(s.c.Register(ctx, agent.RegisterArgs{Slot: blue}))
	record(s.c.Status(ctx))
	record(s.c.Health(ctx, agent.HealthArgs{Slot: blue}, tick))
	record(s.c.Probe(ctx))
	h.registry.SetDown(false)
	record(s.c.Enable(ctx, agent.EnableArgs{Slot: green}))
	record(s.c.Journal(ctx, agent.JournalArgs{}))
	// A hello whose Consul spec is invalid is refused without echoing it.
	bad := h.hello()
	bad.App.Consul = &appspec.Consul{Token: consulToken + " with a space"}
	record(h.start(t).c.Hello(ctx, bad))

	if specs := h.registry.Specs(); len(specs) != 1 || specs[0].Token != consulToken {
		t.Fatalf("the registry did not get the token: %v", specs)
	}
	for _, text := range seen {
		if strings.Contains(text, "SECRET") {
			t.Errorf("token in a result or error: %s", text)
		}
	}
	if strings.Contains(logs.String(), "SECRET") || !strings.Contains(logs.String(), "request done") {
		t.Errorf("token in the log (or no log at all):\n%s", logs.String())
	}
	err := filepath.WalkDir(h.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil && bytes.Contains(b, []byte("SECRET")) {
			t.Errorf("token in %s", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	spec := *h.consul
	printed := fmt.Sprintf("%v %+v %#v %s", spec, spec, spec, spec)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("spec", "consul", spec)
	if strings.Contains(printed+logged.String(), "SECRET") {
		t.Errorf("printing the spec shows the token: %s %s", printed, logged.String())
	}
	if testing.Verbose() {
		t.Logf("seen:\n%s", strings.Join(seen, "\n"))
	}
}
