package agent_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
)

// A gray release's canary enters at its weight, the weight moves without
// the instance leaving the balancer, and weight 0 puts it back to normal.
func TestWeight_RegisterSetAndRestore(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	s := h.open(t)
	ctx := context.Background()
	h.deploy(t, s.c, "1", true)
	if _, err := s.c.Register(ctx, agent.RegisterArgs{Weight: 512}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.Enable(ctx, agent.EnableArgs{}); err != nil {
		t.Fatal(err)
	}
	if w := weightsOf(t, h, "app"); w != (agent.Weights{Passing: 512, Warning: 512}) {
		t.Fatalf("registered weights = %+v, want 512/512", w)
	}
	res, err := s.c.Weight(ctx, agent.WeightArgs{Weight: 2304})
	if err != nil {
		t.Fatal(err)
	}
	if res.Before.Passing != 512 || res.After.Passing != 2304 || res.ServiceID != "app" {
		t.Errorf("Weight = %+v", res)
	}
	st, err := s.c.Status(ctx)
	if err != nil || len(st.Instances) != 1 || st.Instances[0].Weight != 2304 {
		t.Errorf("status instances = %+v %v, want weight 2304", st.Instances, err)
	}
	svc, _ := h.registry.Service("app")
	if svc.Maintenance {
		t.Error("a weight change put the instance in maintenance")
	}
	if e := lastJournal(t, s.c); e.Op != agent.OpWeight || e.Weight != 2304 || e.Result != "ok" {
		t.Errorf("journal = %+v", e)
	}
	if _, err := s.c.Weight(ctx, agent.WeightArgs{}); err != nil {
		t.Fatal(err)
	}
	if w := weightsOf(t, h, "app"); w != agent.NormalWeights {
		t.Errorf("weights after restore = %+v, want normal", w)
	}
	calls := h.registry.Calls()
	if !slices.Contains(calls, "weights app 2304/2304") || !slices.Contains(calls, "weights app 1/1") {
		t.Errorf("consul calls = %q", calls)
	}
	// A plain re-registration (a rollback's) ends on the normal weights.
	if _, err := s.c.Register(ctx, agent.RegisterArgs{}); err != nil {
		t.Fatal(err)
	}
	if w := weightsOf(t, h, "app"); w != agent.NormalWeights {
		t.Errorf("weights after a plain register = %+v, want normal", w)
	}
}

func TestWeight_Refusals(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	s := h.open(t)
	ctx := context.Background()
	h.deploy(t, s.c, "1", true)
	var e *agent.Error
	if _, err := s.c.Weight(ctx, agent.WeightArgs{Weight: 5}); !errors.As(err, &e) || e.Code != agent.CodeNotFound {
		t.Errorf("weight of an unregistered instance: %v, want not_found", err)
	}
	if _, err := s.c.Register(ctx, agent.RegisterArgs{}); err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{-1, agent.MaxWeight + 1} {
		if _, err := s.c.Weight(ctx, agent.WeightArgs{Weight: w}); !errors.As(err, &e) || e.Code != agent.CodeBadRequest {
			t.Errorf("weight %d: %v, want bad_request", w, err)
		}
		if _, err := s.c.Register(ctx, agent.RegisterArgs{Weight: w}); !errors.As(err, &e) || e.Code != agent.CodeBadRequest {
			t.Errorf("register weight %d: %v, want bad_request", w, err)
		}
	}
}

func weightsOf(t *testing.T, h *host, id string) agent.Weights {
	t.Helper()
	st, err := h.registry.Instance(context.Background(), id)
	if err != nil || !st.Registered {
		t.Fatalf("instance %s: %+v %v", id, st, err)
	}
	return st.Weights
}
