package plan_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/plan"
)

// slotted marks the named targets as having two slots.
func slotted(ts []plan.Target, hosts ...string) []plan.Target {
	for i := range ts {
		for _, h := range hosts {
			if ts[i].Host == h {
				ts[i].Surge = true
			}
		}
	}
	return ts
}

// allSlotted gives every target two slots.
func allSlotted(ts []plan.Target) []plan.Target {
	for i := range ts {
		ts[i].Surge = true
	}
	return ts
}

func TestCompute_Modes(t *testing.T) {
	mixed := slotted(hosts("a", "b", "c", "d", "e", "f"), "a", "c", "e", "f")
	mixed[5].From = "v2" // f is skipped: no mode
	tests := []struct {
		name    string
		targets []plan.Target
		s       plan.Strategy
		want    expectation
	}{
		{"surge and in place side by side; a wave closes when the next host's pool is full",
			mixed, plan.Strategy{MaxUnavailable: num(1), MaxSurge: num(2)}, expectation{
				window: 1, surge: 2, skipped: []string{"f"}, surged: []string{"a", "c", "e"},
				waves:  [][]string{{"a", "b", "c"}, {"d", "e"}},
				reason: "wave 1/2 (surge): maxSurge=2",
			}},
		{"maxSurge percent rounds up", allSlotted(fleet(10)), plan.Strategy{MaxSurge: pct(15)}, expectation{
			window: 0, surge: 2, surged: names(0, 10),
			waves:  [][]string{names(0, 2), names(2, 4), names(4, 6), names(6, 8), names(8, 10)},
			reason: "wave 1/5 (surge): maxSurge=2 (15% of 10, rounded up)",
		}},
		{"exact percent says no rounding", allSlotted(fleet(4)), plan.Strategy{MaxSurge: pct(50)}, expectation{
			window: 0, surge: 2, surged: names(0, 4), waves: [][]string{names(0, 2), names(2, 4)},
			reason: "maxSurge=2 (50% of 4)",
		}},
		{"maxSurge 0: slots unused, every host in place", allSlotted(fleet(3)), plan.Strategy{MaxUnavailable: num(2)}, expectation{
			window: 2, waves: [][]string{names(0, 2), names(2, 3)}, reason: "wave 1/2: maxUnavailable=2",
		}},
		{"maxUnavailable rounds to 0, every host surges", allSlotted(fleet(3)), plan.Strategy{MaxUnavailable: pct(10), MaxSurge: pct(10)}, expectation{
			window: 0, surge: 1, surged: names(0, 3), waves: [][]string{names(0, 1), names(1, 2), names(2, 3)},
		}},
		{"maxUnavailable 0 with a slotless host that is skipped", slotted([]plan.Target{
			{Host: "a", From: "v1", To: "v2"}, {Host: "b", From: "v2", To: "v2"},
		}, "a"), plan.Strategy{MaxSurge: num(1)}, expectation{
			surge: 1, skipped: []string{"b"}, surged: []string{"a"}, waves: [][]string{{"a"}},
		}},
		{"blue/green prepares maxSurge at a time", allSlotted(fleet(5)), plan.Strategy{MaxSurge: num(2), Kind: plan.StrategyBlueGreen}, expectation{
			window: 0, surge: 2, surged: names(0, 5),
			waves:  [][]string{names(0, 2), names(2, 4), names(4, 5)},
			reason: "blue/green prepare wave 1/3: maxSurge=2; then one cutover for all 5 hosts",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := plan.Compute(plan.KindRollout, tt.targets, tt.s)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			assertPlan(t, got, tt.want)
		})
	}
}

func TestCompute_Canary(t *testing.T) {
	withSkips := fleet(6)
	withSkips[0].To, withSkips[2].To = "v1", "v1"
	tests := []struct {
		name    string
		targets []plan.Target
		s       plan.Strategy
		want    expectation
	}{
		{"one host, then the windows", fleet(5), plan.Strategy{MaxUnavailable: num(2), Canary: num(1)}, expectation{
			window: 2, canary: names(0, 1),
			waves:  [][]string{names(0, 1), names(1, 3), names(3, 5)},
			reason: "canary wave 1/3: 1 of 5 changing hosts; maxUnavailable=2",
		}},
		{"percent of changes rounds up; wave 1 is the whole canary", fleet(10), plan.Strategy{MaxUnavailable: num(1), Canary: pct(25)}, expectation{
			window: 1, canary: names(0, 3),
			waves:  [][]string{names(0, 3), names(3, 4), names(4, 5), names(5, 6), names(6, 7), names(7, 8), names(8, 9), names(9, 10)},
			reason: "canary wave 1/8: 3 of 10 changing hosts (25%, rounded up); maxUnavailable=1",
		}},
		{"a tiny percent is still one host", fleet(4), plan.Strategy{MaxUnavailable: num(4), Canary: pct(1)}, expectation{
			window: 4, canary: names(0, 1), waves: [][]string{names(0, 1), names(1, 4)},
		}},
		{"capped at the changes", fleet(3), plan.Strategy{MaxUnavailable: num(1), Canary: num(5)}, expectation{
			window: 1, canary: names(0, 3), waves: [][]string{names(0, 3)},
		}},
		{"skipped hosts are not canaries; percent of changes", withSkips, plan.Strategy{MaxUnavailable: num(2), Canary: pct(50)}, expectation{
			window: 2, skipped: []string{"h00", "h02"}, canary: []string{"h01", "h03"},
			waves:  [][]string{{"h01", "h03"}, {"h04", "h05"}},
			reason: "canary wave 1/2: 2 of 4 changing hosts (50%); maxUnavailable=2",
		}},
		{"surge canary", allSlotted(fleet(3)), plan.Strategy{MaxSurge: num(1), Canary: num(1)}, expectation{
			surge: 1, surged: names(0, 3), canary: names(0, 1), waves: [][]string{names(0, 1), names(1, 2), names(2, 3)},
			reason: "canary wave 1/3 (surge): 1 of 3 changing hosts; maxSurge=1",
		}},
		{"nothing to change, no canary", []plan.Target{{Host: "a", From: "v2", To: "v2"}}, plan.Strategy{MaxUnavailable: num(1), Canary: num(1)}, expectation{
			window: 1, skipped: []string{"a"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := plan.Compute(plan.KindRollout, tt.targets, tt.s)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			assertPlan(t, got, tt.want)
		})
	}
}

func TestCompute_SurgeErrors(t *testing.T) {
	someSlots := slotted(fleet(4), "h00", "h02")
	tests := []struct {
		name    string
		targets []plan.Target
		s       plan.Strategy
		wantErr error
		wantMsg string
	}{
		{"maxUnavailable 0 names the slotless hosts", someSlots, plan.Strategy{MaxSurge: num(1)}, plan.ErrNoSlot,
			"maxUnavailable=0 lets no host out of service, so every changing host must surge; no second slot on h01, h03"},
		{"maxUnavailable percent rounding to 0", someSlots, plan.Strategy{MaxUnavailable: pct(20), MaxSurge: pct(20)}, plan.ErrNoSlot,
			"maxUnavailable=0 (20% of 4)"},
		{"blue/green names the slotless hosts", someSlots, plan.Strategy{MaxUnavailable: num(1), MaxSurge: num(1), Kind: plan.StrategyBlueGreen}, plan.ErrNoSlot,
			"blue/green needs two slots on every host it changes; no second slot on h01, h03"},
		{"blue/green needs maxSurge", allSlotted(fleet(2)), plan.Strategy{MaxUnavailable: num(1), Kind: plan.StrategyBlueGreen}, plan.ErrInvalidStrategy,
			"blueGreen needs maxSurge above 0"},
		{"blue/green is all or nothing", allSlotted(fleet(2)), plan.Strategy{MaxSurge: num(1), MaxFailures: num(1), Kind: plan.StrategyBlueGreen}, plan.ErrInvalidStrategy,
			"maxFailures must be 0, not 1"},
		{"blue/green takes no canary", allSlotted(fleet(2)), plan.Strategy{MaxSurge: num(1), Canary: num(1), Kind: plan.StrategyBlueGreen}, plan.ErrInvalidStrategy,
			"takes no canary (1)"},
		{"negative canary", fleet(2), plan.Strategy{MaxUnavailable: num(1), Canary: num(-1)}, plan.ErrInvalidStrategy,
			`canary: invalid count or percentage "-1": negative`},
		{"both zero with slots", allSlotted(fleet(2)), plan.Strategy{MaxSurge: pct(0)}, plan.ErrInvalidStrategy, "both 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := plan.Compute(plan.KindRollout, tt.targets, tt.s)
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("Compute error = %v, want %v saying %q", err, tt.wantErr, tt.wantMsg)
			}
		})
	}
}

func TestPlan_LogValueSurge(t *testing.T) {
	p, err := plan.Compute(plan.KindRollout, slotted(fleet(4), "h00", "h01", "h02"), plan.Strategy{
		MaxUnavailable: num(1), MaxSurge: num(2), Canary: num(1),
	})
	if err != nil {
		t.Fatal(err)
	}
	got := p.LogValue().String()
	for _, want := range []string{"surge_hosts=3", "window=1", "surge_window=2", "canary=1", "strategy=rolling"} {
		if !strings.Contains(got, want) {
			t.Errorf("LogValue() = %s, missing %s", got, want)
		}
	}
}

// A blue/green run interrupted after its cutover failed leaves hosts
// switched and failed; ComputeRollback plans a rolling surge revert of
// all of them, prepared ones included, saying which step failed.
func TestComputeRollback_BlueGreenResult(t *testing.T) {
	p, err := plan.Compute(plan.KindRollout, allSlotted(fleet(3)), plan.Strategy{MaxSurge: num(1), Kind: plan.StrategyBlueGreen})
	if err != nil {
		t.Fatal(err)
	}
	r := resultOf(p, true, []plan.State{plan.StateSwitched, plan.StateFailed, plan.StatePrepared}, []int{4, 5, 3})
	for i := range r.Hosts {
		r.Hosts[i].LastStep = plan.StepCutover
	}
	rb, err := plan.ComputeRollback(p, r)
	if err != nil {
		t.Fatal(err)
	}
	assertPlan(t, rb, expectation{
		surge: 1, budget: 3,
		order:  []string{"h01", "h00", "h02"},
		surged: []string{"h01", "h00", "h02"},
		waves:  [][]string{{"h01"}, {"h00"}, {"h02"}},
		reason: "rollback wave 1/3 (surge): cutover to v2 failed",
	})
	if rb.Strategy.Kind != plan.StrategyRolling {
		t.Error("the rollback of a blue/green plan is rolling")
	}
}
