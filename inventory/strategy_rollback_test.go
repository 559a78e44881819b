package inventory

import (
	"testing"
	"time"
)

func TestParse_StrategyRollback(t *testing.T) {
	for _, tc := range []struct {
		name, strategy string
		want           RollbackStrategy
	}{
		{name: "Unset", strategy: "{}", want: RollbackStrategy{}},
		{name: "Count", strategy: "{rollback: {max_unavailable: 3}}", want: RollbackStrategy{MaxUnavailable: "3"}},
		{name: "PercentAndBound", strategy: `{rollback: {max_unavailable: "50%", warn_after: 90s}}`,
			want: RollbackStrategy{MaxUnavailable: "50%", WarnAfter: 90 * time.Second}},
		{name: "EmptyBlock", strategy: "{rollback: {}}", want: RollbackStrategy{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := mustParse(t, appOK+"strategy: "+tc.strategy+"\n"+hostsOK)
			if inv.Strategy.Rollback != tc.want {
				t.Errorf("Rollback = %+v, want %+v", inv.Strategy.Rollback, tc.want)
			}
		})
	}
}

// TestParse_StrategyRollbackErrors: each mistake names its place and
// field, and what to write.
func TestParse_StrategyRollbackErrors(t *testing.T) {
	for _, tc := range []struct {
		name, rollback, want string
	}{
		{name: "Zero", rollback: "{max_unavailable: 0}",
			want: `fleet.yaml:3:31: strategy.rollback.max_unavailable: must be at least 1 or a percentage above 0%, got "0"`},
		{name: "ZeroPercent", rollback: `{max_unavailable: "0%"}`,
			want: `fleet.yaml:3:31: strategy.rollback.max_unavailable: must be at least 1 or a percentage above 0%, got "0%"`},
		{name: "Negative", rollback: "{max_unavailable: -1}",
			want: `fleet.yaml:3:31: strategy.rollback.max_unavailable: must not be negative, got "-1"`},
		{name: "OverAHundredPercent", rollback: `{max_unavailable: "150%"}`,
			want: `fleet.yaml:3:31: strategy.rollback.max_unavailable: must be at most 100%, got "150%"`},
		{name: "NotAnAmount", rollback: "{max_unavailable: [1]}",
			want: "fleet.yaml:3:31: strategy.rollback.max_unavailable: must be a count such as 1 or a percentage such as 25%"},
		{name: "BareNumberBound", rollback: "{warn_after: 300}",
			want: `fleet.yaml:3:26: strategy.rollback.warn_after: must be a duration such as 5s or 500ms, got "300"`},
		{name: "ZeroBound", rollback: "{warn_after: 0s}",
			want: "fleet.yaml:3:26: strategy.rollback.warn_after: must be above 0, such as 5m"},
		{name: "NegativeBound", rollback: "{warn_after: -1m}",
			want: "fleet.yaml:3:26: strategy.rollback.warn_after: must not be negative"},
		{name: "UnknownField", rollback: "{max_unavailble: 2}",
			want: "fleet.yaml:3:14: strategy.rollback.max_unavailble: unknown field"},
		{name: "NotAMapping", rollback: "fast",
			want: "fleet.yaml:3:13: strategy.rollback: must be a mapping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := parseErrors(t, appOK+"strategy:\n  rollback: "+tc.rollback+"\n"+hostsOK)
			requireError(t, errs, tc.want)
		})
	}
}
