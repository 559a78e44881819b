package agent_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
)

func TestRestart_QuickCyclesDoNotHitStartLimit(t *testing.T) {
	h := newHost(t)
	h.units.StartLimitBurst = 5 // systemd's default
	s := h.open(t)
	// Rollout/rollback cycles in quick succession: ten restarts.
	for i := range 10 {
		if _, err := s.c.Restart(context.Background(), agent.RestartArgs{}); err != nil {
			t.Fatalf("restart %d: %v", i+1, err)
		}
	}
}

func TestRestart_StartLimitHitIsItsOwnError(t *testing.T) {
	h := newHost(t)
	h.units.StartLimitBurst = 5
	// A reset that does not take (as when the unit crash-loops on its own
	// Restart= between our calls) lets the counter run out.
	h.units.ResetFailedFn = func(context.Context, string) error { return nil }
	h.journal.Log(testUnit, "app: listening on :8080", "app.service: Start request repeated too quickly.")
	s := h.open(t)
	var err error
	for range 6 {
		if _, err = s.c.Restart(context.Background(), agent.RestartArgs{}); err != nil {
			break
		}
	}
	e := wantCode(t, err, agent.CodeStartLimitHit)
	if !slices.Contains(e.Journal, "app.service: Start request repeated too quickly.") {
		t.Errorf("journal lines = %q", e.Journal)
	}
}

func TestRestart_UnitFailedCarriesJournal(t *testing.T) {
	h := newHost(t)
	for i := range 30 {
		h.journal.Log(testUnit, fmt.Sprintf("line %d", i))
	}
	h.units.FailRestarts(testUnit, "exit-code")
	s := h.open(t)
	_, err := s.c.Restart(context.Background(), agent.RestartArgs{})
	e := wantCode(t, err, agent.CodeUnitFailed)
	if len(e.Journal) != 20 || e.Journal[19] != "line 29" {
		t.Errorf("journal = %q, want the last 20 lines", e.Journal)
	}
	j, _ := s.c.Journal(context.Background(), agent.JournalArgs{Last: 1})
	if len(j.Entries) != 1 || j.Entries[0].Op != agent.OpRestart || j.Entries[0].Result != "error" || j.Entries[0].Error == "" {
		t.Errorf("journal entry = %+v", j.Entries)
	}
}

func TestRestart_ResetFailedErrorStops(t *testing.T) {
	h := newHost(t)
	h.units.ResetFailedFn = func(context.Context, string) error { return errors.New("Unit app.service not loaded.") }
	h.journal.TailFn = func(context.Context, string, int) ([]string, error) { return nil, errors.New("no journal") }
	s := h.open(t)
	_, err := s.c.Restart(context.Background(), agent.RestartArgs{})
	e := wantCode(t, err, agent.CodeUnitFailed)
	if len(e.Journal) != 1 || e.Journal[0] != "(journal unavailable: no journal)" {
		t.Errorf("journal = %q", e.Journal)
	}
	if calls := h.units.Calls(); len(calls) != 0 {
		t.Errorf("restarted despite the failed reset: %q", calls)
	}
}
