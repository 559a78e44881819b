package plan_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/fleetdeploy/fleet/plan"
)

func TestWeights_Table(t *testing.T) {
	for _, tc := range []struct {
		share                  float64
		canary, stable, normal int
		wantC, wantS           int // units
		wantShare              float64
	}{
		// 1 canary instance, 2 stable.
		{1, 1, 2, 1, 2, 99, 1},
		{10, 1, 2, 1, 2, 9, 10},
		{50, 1, 2, 1, 2, 1, 50},
		{0.5, 1, 2, 1, 2, 199, 0.5},
		// 2 canary instances, 4 stable: the same ratios.
		{1, 2, 4, 1, 2, 99, 1},
		{10, 2, 4, 1, 2, 9, 10},
		{50, 2, 4, 1, 2, 1, 50},
		// 3 canary instances, 7 stable.
		{25, 3, 7, 1, 7, 9, 25},
	} {
		got, err := plan.Weights(tc.share, tc.canary, tc.stable, tc.normal)
		if err != nil {
			t.Errorf("Weights(%v%%, %d, %d): %v", tc.share, tc.canary, tc.stable, err)
			continue
		}
		if got.Canary != tc.wantC*plan.WeightScale || got.Stable != tc.wantS*plan.WeightScale || math.Abs(got.Share-tc.wantShare) > 0.001 {
			t.Errorf("Weights(%v%%, %d, %d) = %+v, want units %d:%d share %.3f", tc.share, tc.canary, tc.stable, got, tc.wantC, tc.wantS, tc.wantShare)
		}
	}
}

func TestWeights_NaturalShareKeepsNormal(t *testing.T) {
	got, err := plan.Weights(100.0/3, 1, 2, 1)
	if err != nil || got.Canary != 1 || got.Stable != 1 {
		t.Errorf("Weights(33.3%%, 1, 2, 1) = %+v, %v; want 1:1", got, err)
	}
	got, err = plan.Weights(50, 2, 2, 256)
	if err != nil || got.Canary != 256 || got.Stable != 256 {
		t.Errorf("Weights(50%%, 2, 2, 256) = %+v, %v; want 256:256", got, err)
	}
}

func TestWeights_Refused(t *testing.T) {
	for _, tc := range []struct {
		share                  float64
		canary, stable, normal int
		is                     error
		want                   string
	}{
		{0, 1, 2, 1, plan.ErrInvalidShare, "above 0%"},
		{100, 1, 2, 1, plan.ErrInvalidShare, "promotion"},
		{math.NaN(), 1, 2, 1, plan.ErrInvalidShare, "above 0%"},
		{10, 0, 2, 1, plan.ErrInvalidShare, "at least one of each"},
		{10, 1, 0, 1, plan.ErrInvalidShare, "at least one of each"},
		{10, 1, 2, 0, plan.ErrInvalidShare, "normal weight 0"},
		{10, 1, 2, 65536, plan.ErrInvalidShare, "normal weight 65536"},
		// 1 canary against 2 stable reaches down to 1/(1+510) = 0.196%.
		{0.05, 1, 2, 1, plan.ErrShareUnachievable, "the closest is 0.1957% (weights 256 and 65280)"},
		// 200 canary instances against 1 stable cannot go below 200/455.
		{1, 200, 1, 1, plan.ErrShareUnachievable, "the closest is 43.96%"},
		{99.99, 1, 2, 1, plan.ErrShareUnachievable, "the closest is 99.22% (weights 65280 and 256)"},
	} {
		_, err := plan.Weights(tc.share, tc.canary, tc.stable, tc.normal)
		if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Weights(%v%%, %d, %d, %d) = %v, want %v with %q", tc.share, tc.canary, tc.stable, tc.normal, err, tc.is, tc.want)
		}
	}
}

// TestWeights_Properties: the weights are in Consul's range and
// HAProxy's once scaled, the share reported is the one they give, it is
// the nearest any pair of units gives, within the rounding bound when
// the share is reachable, and an error exactly when it misses by more
// than the tolerance.
func TestWeights_Properties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		share := float64(rapid.IntRange(1, 9999).Draw(t, "basis points")) / 100
		c := rapid.IntRange(1, 40).Draw(t, "canary")
		n := rapid.IntRange(1, 200).Draw(t, "stable")
		got, err := plan.Weights(share, c, n, 1)
		if err != nil && !errors.Is(err, plan.ErrShareUnachievable) {
			t.Fatalf("Weights: %v", err)
		}
		if math.Abs(got.Share-100.0*float64(c)/(float64(c)+float64(n))) < 1e-9 && got.Canary == 1 {
			return // the natural share: both at normal
		}
		for _, w := range []int{got.Canary, got.Stable} {
			if w < plan.WeightScale || w > plan.MaxWeightUnit*plan.WeightScale || w%plan.WeightScale != 0 || w > plan.MaxConsulWeight {
				t.Fatalf("weight %d out of range (%+v)", w, got)
			}
		}
		cw, sw := float64(c*got.Canary), float64(n*got.Stable)
		if math.Abs(got.Share-100*cw/(cw+sw)) > 1e-9 {
			t.Fatalf("Share %v is not what %+v gives", got.Share, got)
		}
		miss := math.Abs(got.Share - share)
		if best := bruteForce(share, c, n); miss > best+1e-9 {
			t.Fatalf("missed by %v, but some units miss by %v", miss, best)
		}
		ratio := math.Max(float64(c)/float64(n), float64(n)/float64(c))
		if reachable(share, c, n) && miss > 100*ratio/(2*plan.MaxWeightUnit)+1e-9 {
			t.Fatalf("missed %v%% by %v, beyond the rounding bound", share, miss)
		}
		if tooFar := miss > 0.1*math.Min(share, 100-share); tooFar != (err != nil) {
			t.Fatalf("miss %v of %v%%: error %v", miss, share, err)
		}
	})
}

// reachable: the construction behind the rounding bound applies (a unit
// rounds to at least 1 on the side that is not MaxWeightUnit).
func reachable(share float64, c, n int) bool {
	x := share / (100 - share) // the canary:stable traffic ratio asked for
	m := float64(plan.MaxWeightUnit)
	if x <= float64(c)/float64(n) {
		return x*float64(n)*m/float64(c) >= 0.5
	}
	return float64(c)*m/(float64(n)*x) >= 0.5
}

func bruteForce(share float64, c, n int) float64 {
	best := math.Inf(1)
	for a := 1; a <= plan.MaxWeightUnit; a++ {
		for b := 1; b <= plan.MaxWeightUnit; b++ {
			cw, sw := float64(c*a), float64(n*b)
			best = math.Min(best, math.Abs(100*cw/(cw+sw)-share))
		}
	}
	return best
}
