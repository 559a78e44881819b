package agent_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
)

func TestClient_RoundTripEveryOp(t *testing.T) {
	h := newHost(t)
	s := h.start(t)
	c, ctx := s.c, context.Background()

	hello, err := c.Hello(ctx, h.hello())
	if err != nil {
		t.Fatalf("Hello: %v", err)
	}
	if hello.Hostname != "web1" || hello.Protocol != agent.ProtocolVersion || hello.Status.Current != "" {
		t.Errorf("Hello = %+v", hello)
	}
	lock, err := c.Lock(ctx)
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	if lock.Holder.User != "alice" || lock.Holder.RolloutID != "r1" || !lock.Holder.Since.Equal(h.clock.Now()) {
		t.Errorf("Lock holder = %+v", lock.Holder)
	}

	rel := stage(t, c, "1.0.0", "v1 bytes")
	if rel.Version != "1.0.0" || rel.SHA256 != sum("v1 bytes") || rel.Size != 8 || rel.StagedBy != "alice@laptop" {
		t.Errorf("staged release = %+v", rel)
	}
	again, err := c.StageBegin(ctx, agent.StageBeginArgs{Version: "1.0.0", SHA256: sum("v1 bytes"), Size: 8})
	if err != nil || !again.Present {
		t.Errorf("StageBegin of an installed release = %+v, %v; want present", again, err)
	}

	sw, err := c.Switch(ctx, agent.SwitchArgs{Version: "1.0.0"})
	if err != nil || sw.From != "" || sw.To != "1.0.0" {
		t.Fatalf("Switch = %+v, %v", sw, err)
	}
	target, err := os.Readlink(filepath.Join(h.root, "current"))
	if err != nil || target != "releases/1.0.0" {
		t.Errorf("current -> %q, %v; want releases/1.0.0", target, err)
	}

	rs, err := c.Restart(ctx, agent.RestartArgs{})
	if err != nil || !slices.Equal(rs.Units, []string{testUnit}) {
		t.Fatalf("Restart = %+v, %v", rs, err)
	}
	if got := h.units.Calls(); !slices.Equal(got, []string{"reset-failed " + testUnit, "restart " + testUnit}) {
		t.Errorf("unit calls = %q; want reset-failed before restart", got)
	}

	var rounds int
	hr, err := c.Health(ctx, agent.HealthArgs{Version: "1.0.0"}, func(e agent.Event) {
		rounds++
		h.clock.Tick(5 * time.Second)
	})
	if err != nil || hr.Version != "1.0.0" || hr.Rounds != 3 || hr.HealthyFor.Std() != 10*time.Second || rounds != 3 {
		t.Fatalf("Health = %+v, %v after %d events", hr, err, rounds)
	}

	st, err := c.Status(ctx)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if st.Current != "1.0.0" || st.LastGood != "1.0.0" || st.Previous != "" || len(st.Releases) != 1 ||
		!st.Releases[0].HealthyEver || st.Units[0].ActiveState != "active" {
		t.Errorf("Status = %+v", st)
	}

	pr, err := c.Prune(ctx, agent.PruneArgs{})
	if err != nil || len(pr.Removed) != 0 {
		t.Errorf("Prune = %+v, %v", pr, err)
	}

	j, err := c.Journal(ctx, agent.JournalArgs{})
	if err != nil {
		t.Fatalf("Journal: %v", err)
	}
	var ops []agent.Op
	for _, e := range j.Entries {
		ops = append(ops, e.Op)
		if e.User != "alice" || e.Machine != "laptop" || e.RolloutID != "r1" || e.Command != "fleet deploy app" {
			t.Errorf("journal entry without the controller: %+v", e)
		}
	}
	want := []agent.Op{agent.OpLock, agent.OpStageCommit, agent.OpSwitch, agent.OpRestart, agent.OpHealth, agent.OpPrune}
	if !slices.Equal(ops, want) {
		t.Errorf("journal ops = %v, want %v", ops, want)
	}
	if last, err := c.Journal(ctx, agent.JournalArgs{Last: 2}); err != nil || len(last.Entries) != 2 ||
		last.Entries[1].Op != agent.OpPrune {
		t.Errorf("Journal(last 2) = %+v, %v", last, err)
	}
}

func TestClient_ContextCancelBreaksClient(t *testing.T) {
	h := newHost(t)
	h.units.SetState(testUnit, "failed") // the gate never passes
	s := h.open(t)
	stage(t, s.c, "1", "one")
	if _, err := s.c.Switch(context.Background(), agent.SwitchArgs{Version: "1"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, err := s.c.Health(ctx, agent.HealthArgs{}, func(agent.Event) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Health after cancel: %v, want context.Canceled", err)
	}
	if _, err := s.c.Status(context.Background()); !errors.Is(err, agent.ErrBroken) {
		t.Fatalf("Status on a broken client: %v, want ErrBroken", err)
	}
}

func TestClient_RemoteErrorsAreTyped(t *testing.T) {
	h := newHost(t)
	s := h.start(t)
	ctx := context.Background()

	_, err := s.c.Status(ctx)
	e := wantCode(t, err, agent.CodeBadRequest)
	if !errors.Is(err, agent.CodeBadRequest) {
		t.Errorf("errors.Is(err, CodeBadRequest) = false for %v", e)
	}
	// The session stays usable after a remote error.
	if _, err := s.c.Hello(ctx, h.hello()); err != nil {
		t.Fatalf("Hello after an error: %v", err)
	}
	_, err = s.c.Switch(ctx, agent.SwitchArgs{Version: "1"})
	wantCode(t, err, agent.CodeBadRequest) // no lock yet
	_, err = s.c.Hello(ctx, h.hello())
	wantCode(t, err, agent.CodeBadRequest) // hello twice
}

func TestClient_CloseEndsServe(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	if err := s.c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.wait(t); err != nil {
		t.Fatalf("Serve after the client closed: %v", err)
	}
	if _, err := s.c.Status(context.Background()); !errors.Is(err, agent.ErrClosed) {
		t.Fatalf("Status after Close: %v, want ErrClosed", err)
	}
}
