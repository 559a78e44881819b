package agent_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
)

func TestHealth_ConsulGateNeedsTheInstancesChecks(t *testing.T) {
	h := newHost(t)
	h.withConsul().Gate = true
	h.checks = nil // the Consul gate alone
	s := h.open(t)
	ctx := context.Background()
	stage(t, s.c, "1", "one")
	if _, err := s.c.Switch(ctx, agent.SwitchArgs{Version: "1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.Register(ctx, agent.RegisterArgs{}); err != nil {
		t.Fatal(err)
	}
	var events []agent.Event
	res, err := s.c.Health(ctx, agent.HealthArgs{Version: "1"}, func(e agent.Event) {
		events = append(events, e)
		if len(events) == 2 {
			h.registry.SetChecks("app", agent.CheckPassing) // Consul's checks catch up
		}
		h.clock.Tick(5 * time.Second)
	})
	if err != nil {
		t.Fatalf("Health: %v", err)
	}
	// Rounds 1-2 fail on the new, critical check; 3-5 pass (10s).
	if res.Rounds != 5 {
		t.Errorf("Health = %+v, want 5 rounds", res)
	}
	first := events[0].Health.Checks
	if len(first) != 1 || first[0].Check != "consul" || first[0].OK ||
		!strings.Contains(first[0].Reason, "fleet: http GET http://127.0.0.1:8080/health critical") {
		t.Errorf("first round = %+v", first)
	}
	// Maintenance, which register set and the gate waits out, never counts.
	if svc, _ := h.registry.Service("app"); !svc.Maintenance {
		t.Error("the gate took the instance out of maintenance")
	}
}

func TestStatus_Instances(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	h.withSlots()
	s := h.open(t)
	ctx := context.Background()
	stage(t, s.c, "1", "one")
	if _, err := s.c.Switch(ctx, agent.SwitchArgs{Version: "1", Slot: blue}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.Restart(ctx, agent.RestartArgs{Slot: blue}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.Register(ctx, agent.RegisterArgs{Slot: blue}); err != nil {
		t.Fatal(err)
	}
	h.registry.SetChecks("app-blue", agent.CheckPassing)
	if _, err := s.c.Enable(ctx, agent.EnableArgs{Slot: blue}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.ServeSlot(ctx, agent.ServeArgs{Slot: blue}); err != nil {
		t.Fatal(err)
	}

	st, err := s.c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []agent.InstanceStatus{
		{Slot: blue, Version: "1", Unit: "app@blue.service", ActiveState: "active", Port: bluePort, ServiceID: "app-blue",
			Registered: true, ConsulVersion: "1", ChecksPassing: true},
		{Slot: green, Unit: "app@green.service", ActiveState: "inactive", Port: greenPort, ServiceID: "app-green"},
	}
	if len(st.Instances) != 2 || st.Instances[0] != want[0] || st.Instances[1] != want[1] {
		t.Errorf("instances = %+v\nwant        %+v", st.Instances, want)
	}
	if st.Current != "1" || st.Serving != blue {
		t.Errorf("current %q serving %q", st.Current, st.Serving)
	}

	// Consul down: status still answers, the instances say why they lack
	// Consul's view.
	h.registry.SetDown(true)
	st, err = s.c.Status(ctx)
	if err != nil {
		t.Fatalf("Status with Consul down: %v", err)
	}
	for _, is := range st.Instances {
		if is.Registered || !strings.Contains(is.Error, "connection refused") {
			t.Errorf("instance %+v, want the consul error", is)
		}
	}
}

func TestStatus_SingleInstanceWithoutConsul(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	h.deploy(t, s.c, "1", true)
	st, err := s.c.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := agent.InstanceStatus{Version: "1", Unit: testUnit, ActiveState: "active"}
	if len(st.Instances) != 1 || st.Instances[0] != want {
		t.Errorf("instances = %+v, want [%+v]", st.Instances, want)
	}
	if specs := h.registry.Specs(); len(specs) != 0 {
		t.Errorf("a registry was made without consul in the spec: %v", specs)
	}
}

func TestHealth_ConsulDownIsNoVerdict(t *testing.T) {
	h := newHost(t)
	h.withConsul().Gate = true
	h.registry.Add(reg("app"), false) // its checks pass
	s := h.open(t)
	h.deploy(t, s.c, "1", true)
	h.registry.SetDown(true)
	_, err := s.c.Health(context.Background(), agent.HealthArgs{Version: "1"}, func(agent.Event) {
		t.Error("a round ran with Consul down")
	})
	wantCode(t, err, agent.CodeConsulUnavailable)
	st, _ := s.c.Status(context.Background())
	if st.LastGood != "1" || st.Releases[0].LastResult != "healthy" {
		t.Errorf("status = %+v: Consul's outage was held against the release", st)
	}
}
