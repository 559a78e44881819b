package agent_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
)

func TestSwitch_SlotWritesEnvAndSymlinkAtomically(t *testing.T) {
	h := newHost(t)
	h.withSlots()
	s := h.open(t)
	ctx := context.Background()
	stage(t, s.c, "1", "one")
	stage(t, s.c, "2", "two")
	for _, v := range []string{"1", "2"} {
		res, err := s.c.Switch(ctx, agent.SwitchArgs{Version: v, Slot: blue})
		if err != nil || res.To != v {
			t.Fatalf("Switch %s = %+v, %v", v, res, err)
		}
	}
	dir := filepath.Join(h.root, "slots", blue)
	if target, err := os.Readlink(filepath.Join(dir, "current")); err != nil || target != "../../releases/2" {
		t.Errorf("slots/blue/current -> %q, %v", target, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "current", testBinary)); err != nil || string(b) != "two" {
		t.Errorf("binary through the slot link = %q, %v", b, err)
	}
	env, err := os.ReadFile(filepath.Join(dir, "env"))
	if want := "PORT=9001\nFLEET_SLOT=blue\nFLEET_VERSION=2\n"; err != nil || string(env) != want {
		t.Errorf("env = %q, %v; want %q", env, err, want)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"current", "env"}) {
		t.Errorf("slot dir holds %v: temporaries left behind", names)
	}
	if _, err := os.Lstat(filepath.Join(h.root, "current")); !os.IsNotExist(err) {
		t.Errorf("a slot switch touched the host's current: %v", err)
	}
	if e := lastJournal(t, s.c); e.Op != agent.OpSwitch || e.Slot != blue || e.From != "1" || e.To != "2" {
		t.Errorf("journal = %+v", e)
	}
}

func TestServe_HostCurrentIsTheServingSlot(t *testing.T) {
	h := newHost(t)
	h.withSlots()
	s := h.open(t)
	ctx := context.Background()
	stage(t, s.c, "1", "one")
	stage(t, s.c, "2", "two")
	_, err := s.c.ServeSlot(ctx, agent.ServeArgs{Slot: blue})
	wantCode(t, err, agent.CodeNotFound) // blue has no release yet
	for slot, v := range map[string]string{blue: "1", green: "2"} {
		if _, err := s.c.Switch(ctx, agent.SwitchArgs{Version: v, Slot: slot}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.c.ServeSlot(ctx, agent.ServeArgs{Slot: blue}); err != nil {
		t.Fatal(err)
	}
	h.units.SetState(testUnit, "active")
	if _, err := s.c.Health(ctx, agent.HealthArgs{Version: "1", Slot: blue}, func(agent.Event) { h.clock.Tick(5 * time.Second) }); err != nil {
		t.Fatalf("Health: %v", err)
	}
	res, err := s.c.ServeSlot(ctx, agent.ServeArgs{Slot: green})
	if err != nil || res.From != "1" || res.To != "2" || res.Serving != green || res.Previous != "1" {
		t.Fatalf("Serve = %+v, %v", res, err)
	}
	st, err := s.c.Status(ctx)
	if err != nil || st.Current != "2" || st.Serving != green || st.Previous != "1" || st.LastGood != "1" {
		t.Errorf("Status = current %q serving %q previous %q last_good %q, %v", st.Current, st.Serving, st.Previous, st.LastGood, err)
	}
	if e := lastJournal(t, s.c); e.Op != agent.OpServe || e.Slot != green || e.From != "1" || e.To != "2" {
		t.Errorf("journal = %+v", e)
	}
	// Prune keeps both slots' releases whatever keep says.
	pr, err := s.c.Prune(ctx, agent.PruneArgs{Keep: 1})
	if err != nil || len(pr.Removed) != 0 {
		t.Errorf("Prune = %+v, %v; want nothing removed", pr, err)
	}
}

func TestSlots_RestartAndHealthUseTheSlot(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	t.Cleanup(srv.Close)
	port := portOf(t, srv.Listener)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_ = closed.Close()

	h := newHost(t)
	h.checks = []appspec.Check{{HTTP: &appspec.HTTPCheck{URL: "http://127.0.0.1:{port}/"}}}
	h.withSlots()
	h.slots.Instances[0].Port, h.slots.Instances[1].Port = portOf(t, closed), port
	s := h.open(t)
	ctx := context.Background()
	stage(t, s.c, "1", "one")
	for _, slot := range []string{blue, green} {
		if _, err := s.c.Switch(ctx, agent.SwitchArgs{Version: "1", Slot: slot}); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := s.c.Restart(ctx, agent.RestartArgs{Slot: green})
	if err != nil || !slices.Equal(rs.Units, []string{"app@green.service"}) {
		t.Fatalf("Restart = %+v, %v", rs, err)
	}
	tick := func(agent.Event) { h.clock.Tick(5 * time.Second) }
	if _, err := s.c.Health(ctx, agent.HealthArgs{Slot: green}, tick); err != nil {
		t.Errorf("Health on green (port %d): %v", port, err)
	}
	// Nothing listens on blue's port: its gate fails.
	_, err = s.c.Health(ctx, agent.HealthArgs{Slot: blue}, tick)
	wantCode(t, err, agent.CodeUnhealthy)
	_, err = s.c.Restart(ctx, agent.RestartArgs{Slot: "red"})
	wantCode(t, err, agent.CodeBadRequest)
}

func portOf(t *testing.T, l net.Listener) int {
	t.Helper()
	_, text, err := net.SplitHostPort(l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(text)
	if err != nil {
		t.Fatal(err)
	}
	return port
}

func TestSlots_NeedSlotsInSpec(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	stage(t, s.c, "1", "one")
	_, err := s.c.Switch(ctx, agent.SwitchArgs{Version: "1", Slot: blue})
	wantCode(t, err, agent.CodeBadRequest)
	_, err = s.c.ServeSlot(ctx, agent.ServeArgs{})
	wantCode(t, err, agent.CodeBadRequest)
}

func TestPending_MarkAndClear(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	_, err := s.c.Pending(ctx, agent.PendingArgs{Version: "2"})
	wantCode(t, err, agent.CodeNotFound)
	stage(t, s.c, "2", "two")
	res, err := s.c.Pending(ctx, agent.PendingArgs{Version: "2"})
	if err != nil || res.Pending == nil || res.Pending.RolloutID != "r1" || res.Pending.By != "alice@laptop" {
		t.Fatalf("Pending = %+v, %v", res.Pending, err)
	}
	st, err := s.c.Status(ctx)
	if err != nil || st.Pending == nil || st.Pending.Version != "2" || !st.Pending.Since.Equal(h.clock.Now()) {
		t.Errorf("Status pending = %+v, %v", st.Pending, err)
	}
	_, err = s.c.Pending(ctx, agent.PendingArgs{Version: "2", Clear: true})
	wantCode(t, err, agent.CodeBadRequest)
	if res, err := s.c.Pending(ctx, agent.PendingArgs{Clear: true}); err != nil || res.Pending != nil {
		t.Fatalf("clear = %+v, %v", res, err)
	}
	if st, _ := s.c.Status(ctx); st.Pending != nil {
		t.Errorf("pending after clear = %+v", st.Pending)
	}
	if e := lastJournal(t, s.c); e.Op != agent.OpPending || e.Version != "2" || e.Reason != "cleared" {
		t.Errorf("journal = %+v", e)
	}
}
