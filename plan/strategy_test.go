package plan_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/plan"
)

func TestStrategy_Validate(t *testing.T) {
	n := func(v int) plan.IntOrPercent { return plan.IntOrPercent{Value: v} }
	pct := func(v int) plan.IntOrPercent { return plan.IntOrPercent{Value: v, Percent: true} }
	tests := []struct {
		name    string
		s       plan.Strategy
		wantErr string // substring; "" = valid
	}{
		{name: "one at a time", s: plan.Strategy{MaxUnavailable: n(1)}},
		{name: "percent", s: plan.Strategy{MaxUnavailable: pct(25), MaxFailures: pct(10)}},
		{name: "surge only is valid here", s: plan.Strategy{MaxSurge: n(1)}},
		{name: "both zero", s: plan.Strategy{}, wantErr: "both 0"},
		{name: "both zero percent", s: plan.Strategy{MaxUnavailable: pct(0), MaxSurge: pct(0)}, wantErr: "both 0"},
		{name: "negative", s: plan.Strategy{MaxUnavailable: n(-1)}, wantErr: `maxUnavailable: invalid count or percentage "-1": negative`},
		{name: "above 100%", s: plan.Strategy{MaxUnavailable: n(1), MaxFailures: pct(150)}, wantErr: "maxFailures"},
		{name: "negative surge", s: plan.Strategy{MaxUnavailable: n(1), MaxSurge: n(-2)}, wantErr: "maxSurge"},
		{name: "canary", s: plan.Strategy{MaxUnavailable: n(1), Canary: pct(10)}},
		{name: "canary above 100%", s: plan.Strategy{MaxUnavailable: n(1), Canary: pct(101)}, wantErr: "canary"},
		{name: "rolling named", s: plan.Strategy{MaxUnavailable: n(1), Kind: plan.StrategyRolling}},
		{name: "unknown kind", s: plan.Strategy{MaxUnavailable: n(1), Kind: "weighted-steps"}, wantErr: `unknown strategy kind "weighted-steps"`},
		{name: "blue/green", s: plan.Strategy{MaxSurge: pct(25), Kind: plan.StrategyBlueGreen}},
		{name: "blue/green without surge", s: plan.Strategy{MaxUnavailable: n(1), Kind: plan.StrategyBlueGreen}, wantErr: "blueGreen needs maxSurge above 0"},
		{name: "blue/green with a budget", s: plan.Strategy{MaxSurge: n(1), MaxFailures: pct(10), Kind: plan.StrategyBlueGreen}, wantErr: "maxFailures must be 0, not 10%"},
		{name: "blue/green with a canary", s: plan.Strategy{MaxSurge: n(1), Canary: n(1), Kind: plan.StrategyBlueGreen}, wantErr: "takes no canary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, plan.ErrInvalidStrategy) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want ErrInvalidStrategy saying %q", err, tt.wantErr)
			}
		})
	}
}
