package deploy_test

import (
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
	"github.com/fleetdeploy/fleet/plan"
)

// TestPlan_EstimateAndRollbackWindow: fleet plan estimates the rollout
// (4 hosts one at a time, min_healthy_time 200ms, no drain: 800ms) and a
// full rollback with strategy.rollback.max_unavailable 2 (400ms), warns
// past warn_after with the smallest window that fits, and says so on its
// plan event; the plan carries the rollback window (the automatic
// rollback's), and fleet rollback goes with it.
func TestPlan_EstimateAndRollbackWindow(t *testing.T) {
	f := hostsim.New(t, 4, hostsim.Options{})
	o := simOptions(t, f, "strategy:\n  rollback: {max_unavailable: 2, warn_after: 300ms}\n", &events{})
	o.Artifact = artifact(t, "v1")
	if rec, err := deploy.Rollout(t.Context(), o); err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout v1: %v", err)
	}
	o.Artifact = artifact(t, "v2")
	rep, err := deploy.Plan(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	e := rep.Estimate
	if e.Rollout != 4*hostsim.MinHealthyTime || e.Rollback != 2*hostsim.MinHealthyTime || e.RollbackWaves != 2 || e.RollbackWindow != 2 {
		t.Errorf("estimate = %+v, want rollout 800ms, rollback 400ms in 2 waves of 2", e)
	}
	if want := "over strategy.rollback.warn_after 300ms; strategy.rollback.max_unavailable: 4 would bring it to 200ms"; !strings.HasSuffix(e.Warning, want) {
		t.Errorf("warning = %q, want it to end %q", e.Warning, want)
	}
	if w := rep.Plan.Strategy.RollbackMaxUnavailable; w != (plan.IntOrPercent{Value: 2}) {
		t.Errorf("plan's rollback window = %v, want 2", w)
	}
	ev := rep.Events()[0]
	if ev.Kind != deploy.KindPlan || ev.EstimateMS == nil || *ev.EstimateMS != 800 || ev.RollbackEstimateMS == nil ||
		*ev.RollbackEstimateMS != 400 || ev.Warning != e.Warning {
		t.Errorf("plan event = %+v, want estimate_ms 800, rollback_estimate_ms 400 and the warning", ev)
	}

	o.Artifact = artifact(t, "v2")
	if rec, err := deploy.Rollout(t.Context(), o); err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout v2: %v", err)
	}
	o.To = "v1"
	rec, err := deploy.Rollback(t.Context(), o)
	if err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollback: %v", err)
	}
	if rec.Plan.Window != 2 || len(rec.Plan.Waves) != 2 || f.Hosts()[0].Current() != "v1" {
		t.Errorf("rollback: window %d, %d waves, %s on v1; want 2, 2", rec.Plan.Window, len(rec.Plan.Waves), f.Hosts()[0].Current())
	}
}

// TestPlan_NoWarningUnderTheBound: the default bound, 5m, is far above a
// simulated rollback: no warning.
func TestPlan_NoWarningUnderTheBound(t *testing.T) {
	f := hostsim.New(t, 2, hostsim.Options{})
	o := simOptions(t, f, "", &events{})
	o.Artifact = artifact(t, "v1")
	rep, err := deploy.Plan(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	if e := rep.Estimate; e.Warning != "" || e.WarnAfter.String() != "5m0s" || e.Rollback != 2*hostsim.MinHealthyTime {
		t.Errorf("estimate = %+v, want a 400ms rollback, the 5m bound and no warning", e)
	}
}
