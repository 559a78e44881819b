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
