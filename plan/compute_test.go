package plan_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/plan"
)

// expectation is what a table case says about a computed plan; assertPlan
// also checks the invariants every plan must satisfy.
type expectation struct {
	window  int
	surge   int // Plan.SurgeWindow
	budget  int
	order   []string   // Plan.Hosts, by name; nil = don't check
	skipped []string   // hosts with ActionSkip
	surged  []string   // hosts with ModeSurge
	canary  []string   // Plan.Canary
	waves   [][]string // Plan.Waves
	reason  string     // substring of the first updated host's Reason; "" = don't check
}

func assertPlan(t *testing.T, got plan.Plan, want expectation) {
	t.Helper()
	if got.Window != want.window || got.SurgeWindow != want.surge || got.Budget != want.budget {
		t.Errorf("window, surge window, budget = %d, %d, %d; want %d, %d, %d",
			got.Window, got.SurgeWindow, got.Budget, want.window, want.surge, want.budget)
	}
	var names, skipped, surged []string
	for _, h := range got.Hosts {
		names = append(names, h.Host)
		if h.Action == plan.ActionSkip {
			skipped = append(skipped, h.Host)
		}
		if h.Mode == plan.ModeSurge {
			surged = append(surged, h.Host)
		}
	}
	if want.order != nil && !slices.Equal(names, want.order) {
		t.Errorf("host order = %v, want %v", names, want.order)
	}
	if !slices.Equal(skipped, want.skipped) {
		t.Errorf("skipped = %v, want %v", skipped, want.skipped)
	}
	if !slices.Equal(surged, want.surged) {
		t.Errorf("surge hosts = %v, want %v", surged, want.surged)
	}
	if !slices.Equal(got.Canary, want.canary) {
		t.Errorf("canary = %v, want %v", got.Canary, want.canary)
	}
	if !slices.EqualFunc(got.Waves, want.waves, slices.Equal) {
		t.Errorf("waves = %v, want %v", got.Waves, want.waves)
	}
	if err := planInvariants(got); err != nil {
		t.Error(err)
	}
	if want.reason != "" {
		i := slices.IndexFunc(got.Hosts, func(h plan.HostPlan) bool { return h.Action == plan.ActionUpdate })
		if i < 0 || !strings.Contains(got.Hosts[i].Reason, want.reason) {
			t.Errorf("first update's reason does not contain %q: %+v", want.reason, got.Hosts)
		}
	}
}

// planInvariants checks what holds for every plan Compute returns:
// actions match versions, modes fit the pools, the canary is the first
// hosts to update and exactly wave 1, the other waves hold the updated
// hosts in order, each as full as its pools allow (a wave closes only
// when the next host's pool is full in it), and each host's Wave points
// at the wave holding it.
func planInvariants(p plan.Plan) error {
	if err := checkHostLines(p); err != nil {
		return err
	}
	var updates []string
	mode := map[string]plan.Mode{}
	for _, h := range p.Hosts {
		if h.Action == plan.ActionUpdate {
			updates = append(updates, h.Host)
			mode[h.Host] = h.Mode
		}
	}
	if flat := slices.Concat(p.Waves...); !slices.Equal(flat, updates) {
		return fmt.Errorf("waves %v do not list the updated hosts %v in order", p.Waves, updates)
	}
	waves := p.Waves
	if len(p.Canary) > 0 {
		if len(p.Canary) > len(updates) || !slices.Equal(p.Canary, updates[:len(p.Canary)]) || !slices.Equal(p.Waves[0], p.Canary) {
			return fmt.Errorf("canary %v is not wave 1 %v nor the first hosts to update %v", p.Canary, p.Waves, updates)
		}
		waves = waves[1:]
	}
	capacity := map[plan.Mode]int{plan.ModeInPlace: max(p.Window, 1), plan.ModeSurge: max(p.SurgeWindow, 1)}
	for i, w := range waves {
		used := map[plan.Mode]int{}
		for _, h := range w {
			if used[mode[h]]++; used[mode[h]] > capacity[mode[h]] {
				return fmt.Errorf("wave %v has more %s hosts than its pool of %d", w, mode[h], capacity[mode[h]])
			}
		}
		if i+1 < len(waves) {
			if next := mode[waves[i+1][0]]; used[next] < capacity[next] {
				return fmt.Errorf("wave %v closed with room for %s host %s", w, next, waves[i+1][0])
			}
		}
	}
	return nil
}

// checkHostLines checks each host's action, mode and wave number.
func checkHostLines(p plan.Plan) error {
	for _, h := range p.Hosts {
		wantAction := plan.ActionUpdate
		if h.From == h.To {
			wantAction = plan.ActionSkip
		}
		switch {
		case h.Action != wantAction:
			return fmt.Errorf("%s %q->%q has action %s", h.Host, h.From, h.To, h.Action)
		case h.Action == plan.ActionSkip && (h.Wave != 0 || h.Mode != ""):
			return fmt.Errorf("skipped host %s is in wave %d, mode %q", h.Host, h.Wave, h.Mode)
		case h.Action == plan.ActionSkip:
		case h.Mode == plan.ModeInPlace && p.Window < 1, h.Mode == plan.ModeSurge && p.SurgeWindow < 1:
			return fmt.Errorf("host %s goes %s with window %d, surge window %d", h.Host, h.Mode, p.Window, p.SurgeWindow)
		case h.Mode != plan.ModeInPlace && h.Mode != plan.ModeSurge:
			return fmt.Errorf("host %s has mode %q", h.Host, h.Mode)
		case h.Wave < 1 || h.Wave > len(p.Waves) || !slices.Contains(p.Waves[h.Wave-1], h.Host):
			return fmt.Errorf("host %s says wave %d, waves are %v", h.Host, h.Wave, p.Waves)
		}
	}
	return nil
}

// fleet makes n targets h00..h(n-1) going from v1 to v2.
func fleet(n int) []plan.Target {
	ts := make([]plan.Target, n)
	for i := range ts {
		ts[i] = plan.Target{Host: fmt.Sprintf("h%02d", i), From: "v1", To: "v2"}
	}
	return ts
}

// names returns the host names of fleet(n)[from:to].
func names(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("h%02d", i))
	}
	return out
}

func num(v int) plan.IntOrPercent { return plan.IntOrPercent{Value: v} }
func pct(v int) plan.IntOrPercent { return plan.IntOrPercent{Value: v, Percent: true} }

func TestCompute_Limits(t *testing.T) {
	withSkips := fleet(10)
	withSkips[3].To, withSkips[7].To = "v1", "v1"
	tests := []struct {
		name    string
		targets []plan.Target
		s       plan.Strategy
		want    expectation
	}{
		{"10 hosts 25% -> window 2", fleet(10), plan.Strategy{MaxUnavailable: pct(25)}, expectation{
			window: 2,
			waves:  [][]string{names(0, 2), names(2, 4), names(4, 6), names(6, 8), names(8, 10)},
			reason: "wave 1/5: maxUnavailable=2 (25% of 10)",
		}},
		{"3 hosts 10% -> raised to 1", fleet(3), plan.Strategy{MaxUnavailable: pct(10)}, expectation{
			window: 1, waves: [][]string{names(0, 1), names(1, 2), names(2, 3)},
		}},
		{"count", fleet(5), plan.Strategy{MaxUnavailable: num(2)}, expectation{
			window: 2, waves: [][]string{names(0, 2), names(2, 4), names(4, 5)}, reason: "wave 1/3: maxUnavailable=2",
		}},
		{"count above fleet size", fleet(3), plan.Strategy{MaxUnavailable: num(5)}, expectation{
			window: 5, waves: [][]string{names(0, 3)},
		}},
		{"100%", fleet(4), plan.Strategy{MaxUnavailable: pct(100)}, expectation{
			window: 4, waves: [][]string{names(0, 4)},
		}},
		{"surge without slots goes in place", fleet(2), plan.Strategy{MaxUnavailable: num(1), MaxSurge: num(1)}, expectation{
			window: 1, surge: 1, waves: [][]string{names(0, 1), names(1, 2)},
		}},
		{"budget count", fleet(4), plan.Strategy{MaxUnavailable: num(1), MaxFailures: num(2)}, expectation{
			window: 1, budget: 2, waves: [][]string{names(0, 1), names(1, 2), names(2, 3), names(3, 4)},
		}},
		{"budget percent of changes, rounded down", withSkips, plan.Strategy{MaxUnavailable: num(4), MaxFailures: pct(30)}, expectation{
			window: 4, budget: 2, skipped: []string{"h03", "h07"},
			waves: [][]string{{"h00", "h01", "h02", "h04"}, {"h05", "h06", "h08", "h09"}},
		}},
		{"window percent counts skipped hosts", withSkips, plan.Strategy{MaxUnavailable: pct(50)}, expectation{
			window: 5, skipped: []string{"h03", "h07"},
			waves: [][]string{{"h00", "h01", "h02", "h04", "h05"}, {"h06", "h08", "h09"}},
		}},
		{"no targets", nil, plan.Strategy{MaxUnavailable: pct(25)}, expectation{window: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := plan.Compute(plan.KindRollout, tt.targets, tt.s)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			if got.Kind != plan.KindRollout || got.Strategy != tt.s {
				t.Errorf("kind, strategy = %s, %+v; want rollout, %+v", got.Kind, got.Strategy, tt.s)
			}
			assertPlan(t, got, tt.want)
		})
	}
}

func TestCompute_Targets(t *testing.T) {
	one := plan.Strategy{MaxUnavailable: num(1)}
	tests := []struct {
		name    string
		kind    plan.Kind
		targets []plan.Target
		want    expectation
	}{
		{"sorted by host name", plan.KindRollout, []plan.Target{
			{Host: "web3", From: "v1", To: "v2"}, {Host: "db1", From: "v1", To: "v2"}, {Host: "web10", From: "v1", To: "v2"},
		}, expectation{
			window: 1, order: []string{"db1", "web10", "web3"}, waves: [][]string{{"db1"}, {"web10"}, {"web3"}},
		}},
		{"already on the version is skipped", plan.KindRollout, []plan.Target{
			{Host: "a", From: "v2", To: "v2"}, {Host: "b", From: "v1", To: "v2"}, {Host: "c", From: "", To: "v2"},
		}, expectation{
			window: 1, order: []string{"a", "b", "c"}, skipped: []string{"a"}, waves: [][]string{{"b"}, {"c"}},
		}},
		{"all skipped", plan.KindRollout, []plan.Target{
			{Host: "a", From: "v2", To: "v2"}, {Host: "b", From: "v2", To: "v2"},
		}, expectation{window: 1, skipped: []string{"a", "b"}}},
		{"rollback to no version", plan.KindRollback, []plan.Target{
			{Host: "a", From: "v2", To: ""},
		}, expectation{window: 1, waves: [][]string{{"a"}}, reason: "rollback wave 1/1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := plan.Compute(tt.kind, tt.targets, one)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			assertPlan(t, got, tt.want)
		})
	}
}

func TestCompute_Errors(t *testing.T) {
	errAny := errors.New("any error")
	tests := []struct {
		name    string
		kind    plan.Kind
		targets []plan.Target
		s       plan.Strategy
		wantErr error
		wantMsg string
	}{
		{"0 with zero surge", plan.KindRollout, fleet(3), plan.Strategy{MaxUnavailable: num(0)}, plan.ErrInvalidStrategy, "both 0"},
		{"0% with zero surge", plan.KindRollout, fleet(3), plan.Strategy{MaxUnavailable: pct(0)}, plan.ErrInvalidStrategy, "both 0"},
		{"negative", plan.KindRollout, fleet(3), plan.Strategy{MaxUnavailable: num(-1)}, plan.ErrInvalidStrategy, "negative"},
		{"above 100%", plan.KindRollout, fleet(3), plan.Strategy{MaxUnavailable: pct(101)}, plan.ErrInvalidStrategy, "above 100%"},
		{"surge needed, no slots", plan.KindRollout, fleet(3), plan.Strategy{MaxSurge: num(1)}, plan.ErrNoSlot, "maxUnavailable=0 lets no host out of service, so every changing host must surge; no second slot on h00, h01, h02"},
		{"percent rounds to 0 with surge", plan.KindRollout, fleet(3), plan.Strategy{MaxUnavailable: pct(10), MaxSurge: pct(10)}, plan.ErrNoSlot, "maxUnavailable=0 (10% of 3)"},
		{"duplicate host", plan.KindRollout, []plan.Target{
			{Host: "b", From: "v1", To: "v2"}, {Host: "a", From: "v1", To: "v2"}, {Host: "b", From: "v2", To: "v2"},
		}, plan.Strategy{MaxUnavailable: num(1)}, plan.ErrDuplicateHost, "b is listed more than once"},
		{"no host name", plan.KindRollout, []plan.Target{{From: "v1", To: "v2"}}, plan.Strategy{MaxUnavailable: num(1)}, plan.ErrInvalidTarget, "a target (to v2) has no host name"},
		{"rollout to no version", plan.KindRollout, []plan.Target{{Host: "a", From: "v1"}}, plan.Strategy{MaxUnavailable: num(1)}, plan.ErrInvalidTarget, "a has no desired version"},
		{"unknown kind", plan.Kind("deploy"), fleet(1), plan.Strategy{MaxUnavailable: num(1)}, errAny, `unknown plan kind "deploy"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := plan.Compute(tt.kind, tt.targets, tt.s)
			if err == nil || (tt.wantErr != errAny && !errors.Is(err, tt.wantErr)) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("Compute error = %v, want %v saying %q", err, tt.wantErr, tt.wantMsg)
			}
		})
	}
}

func TestPlan_LogValue(t *testing.T) {
	p, err := plan.Compute(plan.KindRollout, fleet(10), plan.Strategy{MaxUnavailable: pct(25), MaxFailures: num(1)})
	if err != nil {
		t.Fatal(err)
	}
	got := p.LogValue().String()
	for _, want := range []string{"kind=rollout", "hosts=10", "changes=10", "waves=5", "window=2", "budget=1", "max_unavailable=25%"} {
		if !strings.Contains(got, want) {
			t.Errorf("LogValue() = %s, missing %s", got, want)
		}
	}
	if p.Changes() != 10 {
		t.Errorf("Changes() = %d, want 10", p.Changes())
	}
}

func TestCompute_DuplicateReportedOnce(t *testing.T) {
	_, err := plan.Compute(plan.KindRollout, hosts("b", "a", "b", "c", "b", "a"), plan.Strategy{MaxUnavailable: num(1)})
	want := "duplicate host: a is listed more than once\nduplicate host: b is listed more than once"
	if !errors.Is(err, plan.ErrDuplicateHost) || err.Error() != want {
		t.Errorf("Compute error = %q, want %q", err, want)
	}
}
