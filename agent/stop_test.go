package agent_test

import (
	"context"
	"slices"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
)

func TestStop_DrainedSlotIsStoppedAndDeregistered(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	h.withSlots()
	h.registry.Add(reg("app-blue"), true)
	h.units.SetState("app@blue.service", "active")
	s := h.open(t)
	res, err := s.c.Stop(context.Background(), agent.StopArgs{Slot: blue})
	if err != nil || !res.Deregistered || !slices.Equal(res.Units, []string{"app@blue.service"}) {
		t.Fatalf("Stop = %+v, %v", res, err)
	}
	if got := h.units.Calls(); !slices.Equal(got, []string{"stop app@blue.service"}) {
		t.Errorf("unit calls = %q", got)
	}
	if _, ok := h.registry.Service("app-blue"); ok {
		t.Error("still registered")
	}
	if e := lastJournal(t, s.c); e.Op != agent.OpStop || e.Slot != blue || e.Result != "ok" {
		t.Errorf("journal = %+v", e)
	}
}

func TestStop_RefusesAnInstanceInTheBalancer(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	h.registry.Add(reg("app"), false)
	s := h.open(t)
	_, err := s.c.Stop(context.Background(), agent.StopArgs{})
	wantCode(t, err, agent.CodeBadRequest)
	h.registry.SetDown(true)
	_, err = s.c.Stop(context.Background(), agent.StopArgs{})
	wantCode(t, err, agent.CodeConsulUnavailable)
	if calls := h.units.Calls(); len(calls) != 0 {
		t.Errorf("unit calls = %q, want none", calls)
	}
}

func TestStop_UnitsInReverseOrder(t *testing.T) {
	h := newHost(t)
	s := h.start(t)
	hello := h.hello()
	hello.App.Units = []string{"app-db.service", testUnit}
	ctx := context.Background()
	if _, err := s.c.Hello(ctx, hello); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.Lock(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := s.c.Stop(ctx, agent.StopArgs{})
	if want := []string{testUnit, "app-db.service"}; err != nil || !slices.Equal(res.Units, want) {
		t.Fatalf("Stop = %+v, %v; want %q", res, err, want)
	}
}

func TestStop_UnitFailureCarriesJournal(t *testing.T) {
	h := newHost(t)
	h.units.StopFn = func(_ context.Context, u string) error {
		return &agent.JobError{Unit: u, Job: "stop", Result: "timeout"}
	}
	h.journal.Log(testUnit, "app: ignoring SIGTERM")
	s := h.open(t)
	_, err := s.c.Stop(context.Background(), agent.StopArgs{})
	e := wantCode(t, err, agent.CodeUnitFailed)
	if !slices.Equal(e.Journal, []string{"app: ignoring SIGTERM"}) {
		t.Errorf("journal lines = %q", e.Journal)
	}
}
