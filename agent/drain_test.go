package agent_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/agent/agenttest"
)

func TestDrain_WaitsOnlyWhenEnteringMaintenance(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	h.registry.Add(reg("app"), false)
	s := h.open(t)
	ctx := context.Background()

	var res agent.DrainResult
	done := async(func() (err error) {
		res, err = s.c.Drain(ctx, agent.DrainArgs{Reason: "fleet: rollout r1 replaces 1 with 2"})
		return err
	})
	waitFor(t, "drain's timer", func() bool { return h.clock.Timers() == 1 })
	if svc, _ := h.registry.Service("app"); !svc.Maintenance || svc.Reason != "fleet: rollout r1 replaces 1 with 2" {
		t.Errorf("while draining: %+v, want maintenance with the reason", svc)
	}
	h.clock.Tick(drainTime - time.Second)
	select {
	case err := <-done:
		t.Fatalf("drain returned before its time: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	h.clock.Tick(time.Second)
	if err := <-done; err != nil {
		t.Fatalf("Drain: %v", err)
	}
	if !res.Registered || res.AlreadyMaintenance || res.Waited.Std() != drainTime || res.ServiceID != "app" {
		t.Errorf("Drain = %+v", res)
	}

	// Already in maintenance: no traffic to wait for. The reason is
	// updated all the same.
	res, err := s.c.Drain(ctx, agent.DrainArgs{})
	if err != nil || !res.AlreadyMaintenance || res.Waited != 0 {
		t.Fatalf("second Drain = %+v, %v; want no wait", res, err)
	}
	if svc, _ := h.registry.Service("app"); svc.Reason != "fleet: draining for rollout r1" {
		t.Errorf("reason = %q, want the default naming the rollout", svc.Reason)
	}
	if e := lastJournal(t, s.c); e.Op != agent.OpDrain || e.Reason != "fleet: draining for rollout r1" || e.Result != "ok" {
		t.Errorf("journal = %+v", e)
	}
}

func TestDrain_ZeroDrainDoesNotWait(t *testing.T) {
	h := newHost(t)
	h.withConsul().Drain = 0
	h.registry.Add(reg("app"), false)
	s := h.open(t)
	res, err := s.c.Drain(context.Background(), agent.DrainArgs{Reason: "fleet deploy"})
	if err != nil || !res.Registered || res.Waited != 0 {
		t.Fatalf("Drain = %+v, %v", res, err)
	}
	if svc, _ := h.registry.Service("app"); !svc.Maintenance || svc.Reason != "fleet deploy (rollout r1)" {
		t.Errorf("maintenance %v, reason %q; want on, naming the rollout", svc.Maintenance, svc.Reason)
	}
}

func TestDrain_UnregisteredInstanceIsLeftAlone(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	h.withSlots()
	s := h.open(t)
	res, err := s.c.Drain(context.Background(), agent.DrainArgs{Slot: blue})
	if err != nil || res.Registered || res.ServiceID != "app-blue" {
		t.Fatalf("Drain = %+v, %v", res, err)
	}
	if calls := h.registry.Calls(); len(calls) != 0 {
		t.Errorf("consul calls = %q, want none", calls)
	}
}

func TestDrain_ConsulUnavailableBeforeAnyChange(t *testing.T) {
	for name, breakIt := range map[string]func(*agenttest.Registry){
		"agent down":       func(r *agenttest.Registry) { r.SetDown(true) },
		"client not built": func(r *agenttest.Registry) { r.NewErr = errors.New("bad token file") },
	} {
		t.Run(name, func(t *testing.T) {
			h := newHost(t)
			h.withConsul()
			h.registry.Add(reg("app"), false)
			breakIt(h.registry)
			s := h.open(t)
			_, err := s.c.Drain(context.Background(), agent.DrainArgs{})
			wantCode(t, err, agent.CodeConsulUnavailable)
			if calls := h.registry.Calls(); len(calls) != 0 {
				t.Errorf("consul calls = %q, want none", calls)
			}
			if svc, _ := h.registry.Service("app"); svc.Maintenance {
				t.Error("instance went into maintenance")
			}
			if e := lastJournal(t, s.c); e.Op != agent.OpDrain || e.Result != "error" {
				t.Errorf("journal = %+v", e)
			}
		})
	}
}

func TestConsulOps_NeedConsulInSpec(t *testing.T) {
	h := newHost(t)
	h.withSlots()
	s := h.open(t)
	ctx := context.Background()
	_, err := s.c.Drain(ctx, agent.DrainArgs{})
	wantCode(t, err, agent.CodeBadRequest)
	_, err = s.c.Register(ctx, agent.RegisterArgs{Slot: blue})
	wantCode(t, err, agent.CodeBadRequest)
	_, err = s.c.Enable(ctx, agent.EnableArgs{})
	wantCode(t, err, agent.CodeBadRequest)
	if specs := h.registry.Specs(); len(specs) != 0 {
		t.Errorf("registry made without consul: %v", specs)
	}
	// stop works without Consul: it only stops units.
	res, err := s.c.Stop(ctx, agent.StopArgs{Slot: green})
	if err != nil || !slices.Equal(res.Units, []string{"app@green.service"}) || res.Deregistered {
		t.Errorf("Stop = %+v, %v", res, err)
	}
}

func TestDrain_SessionEndLeavesMaintenanceOn(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	h.registry.Add(reg("app"), false)
	s := h.open(t)
	done := async(func() error {
		_, err := s.c.Drain(context.Background(), agent.DrainArgs{})
		return err
	})
	waitFor(t, "drain's timer", func() bool { return h.clock.Timers() == 1 })
	s.stop()
	if err := s.wait(t); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	<-done
	if svc, _ := h.registry.Service("app"); !svc.Maintenance {
		t.Error("an interrupted drain took the instance out of maintenance")
	}
	if h.clock.Timers() != 0 {
		t.Error("drain's timer was not stopped")
	}
}
