package agent_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
)

func TestRegister_MetaChecksAndMaintenance(t *testing.T) {
	h := newHost(t)
	c := h.withConsul()
	c.DeregisterCriticalAfter = appspec.Duration(10 * time.Minute)
	c.Checks = append(c.Checks, appspec.ConsulCheck{TCP: "127.0.0.1:{port}"})
	h.withSlots()
	s := h.open(t)
	ctx := context.Background()
	rel := stage(t, s.c, "2", "binary 2")
	if _, err := s.c.Switch(ctx, agent.SwitchArgs{Version: "2", Slot: green}); err != nil {
		t.Fatal(err)
	}

	res, err := s.c.Register(ctx, agent.RegisterArgs{Slot: green, Version: "2"})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if res.ServiceID != "app-green" || res.Version != "2" || res.Port != greenPort {
		t.Errorf("Register = %+v", res)
	}
	svc, ok := h.registry.Service("app-green")
	if !ok {
		t.Fatal("not registered")
	}
	r := svc.Registration
	wantMeta := map[string]string{"team": "edge", "version": "2", "sha256": rel.SHA256, "fleet_rollout": "r1"}
	if r.Name != "app" || r.Port != greenPort || !slices.Equal(r.Tags, []string{"web"}) || !maps.Equal(r.Meta, wantMeta) {
		t.Errorf("registration = %+v", r)
	}
	wantChecks := []agent.RegistrationCheck{
		{ID: "service:app-green:1", Name: "fleet: http GET http://127.0.0.1:9002/health", HTTP: "http://127.0.0.1:9002/health",
			Interval: 500 * time.Millisecond, DeregisterCriticalAfter: 10 * time.Minute},
		{ID: "service:app-green:2", Name: "fleet: tcp 127.0.0.1:9002", TCP: "127.0.0.1:9002",
			Interval: 10 * time.Second, DeregisterCriticalAfter: 10 * time.Minute},
	}
	if !slices.Equal(r.Checks, wantChecks) {
		t.Errorf("checks = %+v\nwant     %+v", r.Checks, wantChecks)
	}
	if !svc.Maintenance || svc.Reason != "fleet: waiting for health gate, rollout r1" {
		t.Errorf("maintenance = %v %q, want on, waiting for the gate", svc.Maintenance, svc.Reason)
	}
	if e := lastJournal(t, s.c); e.Op != agent.OpRegister || e.Slot != green || e.Version != "2" || e.Result != "ok" {
		t.Errorf("journal = %+v", e)
	}
}

func TestRegister_ServingInstanceLeavesTheBalancerFirst(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	h.registry.Add(reg("app"), false) // serving the old version
	s := h.open(t)
	h.deploy(t, s.c, "1", true)
	if _, err := s.c.Register(context.Background(), agent.RegisterArgs{}); err != nil {
		t.Fatal(err)
	}
	reason := "maintenance app on: fleet: waiting for health gate, rollout r1"
	want := []string{reason, "register app", reason}
	if got := h.registry.Calls(); !slices.Equal(got, want) {
		t.Errorf("consul calls = %q, want %q", got, want)
	}
}

func TestRegister_Refusals(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	h.withSlots()
	s := h.open(t)
	ctx := context.Background()
	_, err := s.c.Register(ctx, agent.RegisterArgs{Slot: blue})
	wantCode(t, err, agent.CodeNotFound) // nothing switched into blue
	stage(t, s.c, "1", "one")
	if _, err := s.c.Switch(ctx, agent.SwitchArgs{Version: "1", Slot: blue}); err != nil {
		t.Fatal(err)
	}
	_, err = s.c.Register(ctx, agent.RegisterArgs{Slot: blue, Version: "2"})
	wantCode(t, err, agent.CodeBadRequest)
	_, err = s.c.Register(ctx, agent.RegisterArgs{Slot: "red"})
	wantCode(t, err, agent.CodeBadRequest)
	h.registry.SetDown(true)
	_, err = s.c.Register(ctx, agent.RegisterArgs{Slot: blue})
	wantCode(t, err, agent.CodeConsulUnavailable)
	if calls := h.registry.Calls(); len(calls) != 0 {
		t.Errorf("consul calls = %q, want none", calls)
	}
}

func TestRegister_NoMaintenanceMeansNoRegistration(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	h.registry.MaintenanceFn = func(context.Context, string, bool, string) error { return errors.New("403 ACL denied") }
	s := h.open(t)
	h.deploy(t, s.c, "1", true)
	_, err := s.c.Register(context.Background(), agent.RegisterArgs{Version: "1"})
	wantCode(t, err, agent.CodeConsulUnavailable)
	if _, ok := h.registry.Service("app"); ok {
		t.Error("instance left registered without maintenance: it could take traffic before its gate")
	}
}

func TestEnable(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	s := h.open(t)
	ctx := context.Background()
	_, err := s.c.Enable(ctx, agent.EnableArgs{})
	wantCode(t, err, agent.CodeNotFound)

	h.registry.Add(reg("app"), true)
	res, err := s.c.Enable(ctx, agent.EnableArgs{})
	if err != nil || !res.WasMaintenance || res.ServiceID != "app" {
		t.Fatalf("Enable = %+v, %v", res, err)
	}
	if svc, _ := h.registry.Service("app"); svc.Maintenance {
		t.Error("still in maintenance")
	}
	if e := lastJournal(t, s.c); e.Op != agent.OpEnable || e.Result != "ok" {
		t.Errorf("journal = %+v", e)
	}
	h.registry.SetDown(true)
	_, err = s.c.Enable(ctx, agent.EnableArgs{})
	wantCode(t, err, agent.CodeConsulUnavailable)
}
