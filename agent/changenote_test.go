package agent_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
)

// openWithNote runs Serve and does hello (with the change note) + lock.
func (h *host) openWithNote(t *testing.T, note string) *agentSession {
	t.Helper()
	s := h.start(t)
	ctx := context.Background()
	args := h.hello()
	args.Controller.ChangeNote = note
	if _, err := s.c.Hello(ctx, args); err != nil {
		t.Fatalf("Hello: %v", err)
	}
	if _, err := s.c.Lock(ctx); err != nil {
		t.Fatalf("Lock: %v", err)
	}
	return s
}

// TestChangeNote_JournalAndConsulMeta: hello's change note is on every
// journal entry of the session, whole, and in the instance's Consul meta
// as change_note, on one line and cut to Consul's 512 bytes.
func TestChangeNote_JournalAndConsulMeta(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	note := "fix the retry storm\n" + strings.Repeat("€", 200) // 20 + 600 bytes
	s := h.openWithNote(t, note)
	h.deploy(t, s.c, "1", true)
	if _, err := s.c.Register(context.Background(), agent.RegisterArgs{}); err != nil {
		t.Fatal(err)
	}
	j, err := s.c.Journal(context.Background(), agent.JournalArgs{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range j.Entries {
		if e.ChangeNote != note {
			t.Errorf("journal %s: change note %q, want the whole note", e.Op, e.ChangeNote)
		}
	}
	svc, ok := h.registry.Service("app")
	if !ok {
		t.Fatal("not registered")
	}
	got := svc.Registration.Meta["change_note"]
	want := "fix the retry storm " + strings.Repeat("€", 163) + "…" // 20 + 489 + 3 = 512 bytes
	if got != want {
		t.Errorf("meta change_note = %d bytes %q\nwant %d bytes %q", len(got), got, len(want), want)
	}
}

// TestChangeNote_NoneNoMeta: without a note nothing is journalled or
// registered for it (an older controller's sessions look as before).
func TestChangeNote_NoneNoMeta(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	s := h.open(t)
	h.deploy(t, s.c, "1", true)
	if _, err := s.c.Register(context.Background(), agent.RegisterArgs{}); err != nil {
		t.Fatal(err)
	}
	svc, _ := h.registry.Service("app")
	if _, ok := svc.Registration.Meta["change_note"]; ok {
		t.Errorf("meta = %v, want no change_note", svc.Registration.Meta)
	}
	if e := lastJournal(t, s.c); e.ChangeNote != "" {
		t.Errorf("journal change note %q, want none", e.ChangeNote)
	}
}

// TestChangeNote_Refused: a note the agent cannot journal (NUL, over 4096
// bytes) is refused at hello, as the controller refuses it before.
func TestChangeNote_Refused(t *testing.T) {
	for _, note := range []string{"a\x00b", strings.Repeat("x", 4097)} {
		h := newHost(t)
		s := h.start(t)
		args := h.hello()
		args.Controller.ChangeNote = note
		_, err := s.c.Hello(context.Background(), args)
		wantCode(t, err, agent.CodeBadRequest)
		if agent.ValidateChangeNote(note) == nil {
			t.Errorf("ValidateChangeNote(%.20q) = nil", note)
		}
	}
}
