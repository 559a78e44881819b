package plan

import (
	"errors"
	"fmt"
	"math"
)

// Consul service weights for a gray release. Consul takes a passing
// weight of 1 to 65535 (0 is refused: a passing instance always takes
// some traffic) and puts it in its DNS SRV answers. A client that picks
// by SRV weight (RFC 2782) sends each instance its weight's share, so
// any common factor is free. HAProxy (2.x, what the lab runs) turns an
// SRV weight w into server weight ceil(w/256), 1 to 256: weights up to
// 256 all look like 1 to it. So Weights works in units of 1 to
// MaxWeightUnit, a server weight HAProxy takes as is, and writes
// unit × WeightScale into Consul: HAProxy then sees the units exactly,
// and a plain SRV client sees the same ratio.
const (
	// MaxWeightUnit is the largest unit: HAProxy's server weights stop
	// at 256, and 256 × WeightScale would pass Consul's 65535.
	MaxWeightUnit = 255
	// WeightScale is what a unit is worth in Consul: the 256 HAProxy
	// divides SRV weights by.
	WeightScale = 256
	// MaxConsulWeight is Consul's largest weight.
	MaxConsulWeight = 65535
	// shareTolerance is how far, as a fraction of the smaller of the
	// share and its complement, the weights may miss the share asked
	// for: 1% may become 0.9% to 1.1%, never 0.5% or 2%.
	shareTolerance = 0.1
)

var (
	// ErrInvalidShare: the share, the instance counts or the normal
	// weight are out of range.
	ErrInvalidShare = errors.New("invalid traffic share")
	// ErrShareUnachievable: no weights within the limits give a share
	// close enough to the one asked for; the message names the closest.
	ErrShareUnachievable = errors.New("traffic share out of reach")
)

// Split is the weight of each canary and each stable instance for one
// traffic step, and the share of traffic it gives the canary set.
type Split struct {
	Canary, Stable int     // Consul passing weights, per instance
	Share          float64 // the canary set's share achieved, in percent
}

// Weights computes the Consul weights that give canary instances,
// together, the share (in percent, 0 < share < 100) of traffic nearest
// to share, against stable instances, when all are passing:
//
//	achieved = 100 × canary×Split.Canary / (canary×Split.Canary + stable×Split.Stable)
//
// Each weight is a unit of 1 to MaxWeightUnit times WeightScale. Among
// equally near splits it keeps the stable instances at normal (every
// instance's weight outside a gray release, Consul's default 1: fewer
// registrations change), else takes the smallest units. A share equal
// to the canary's natural share, canary/(canary+stable), leaves both at
// normal. 100% is no weight: it is the promotion, after which every
// instance runs the new version at normal.
//
// The rounding bound: when the share lies inside what the units can
// reach, the split misses it by at most 100 × max(c/n, n/c) / (2 ×
// MaxWeightUnit) percentage points (c canary, n stable instances).
// Beyond shareTolerance of the share (or of 100% − share, if smaller)
// Weights returns ErrShareUnachievable naming the closest share, with
// that closest split.
func Weights(share float64, canary, stable, normal int) (Split, error) {
	if err := checkShare(share, canary, stable, normal); err != nil {
		return Split{}, err
	}
	if natural := achieved(canary, stable, 1, 1); math.Abs(natural-share) < 1e-9 {
		return Split{Canary: normal, Stable: normal, Share: achieved(canary, stable, normal, normal)}, nil
	}
	best := nearest(share, canary, stable, normal)
	if miss := math.Abs(best.Share - share); miss > shareTolerance*min(share, 100-share) {
		return best, fmt.Errorf("%w: %.4g%% of traffic to %d canary and %d stable instances needs weights outside 1 to %d units; the closest is %.4g%% (weights %d and %d)",
			ErrShareUnachievable, share, canary, stable, MaxWeightUnit, best.Share, best.Canary, best.Stable)
	}
	return best, nil
}

func checkShare(share float64, canary, stable, normal int) error {
	switch {
	case !(share > 0 && share < 100):
		return fmt.Errorf("%w: %v%%: a weighted share is above 0%% and below 100%% (100%% is the promotion)", ErrInvalidShare, share)
	case canary < 1 || stable < 1:
		return fmt.Errorf("%w: %d canary and %d stable instances: a share needs at least one of each", ErrInvalidShare, canary, stable)
	case normal < 1 || normal > MaxConsulWeight:
		return fmt.Errorf("%w: normal weight %d: Consul takes 1 to %d", ErrInvalidShare, normal, MaxConsulWeight)
	}
	return nil
}

// nearest searches the units: for each canary unit the two stable units
// around the ideal ratio, keeping a candidate only when it is strictly
// nearer (so ties keep the smaller units), or as near with the stable
// weight at normal.
func nearest(share float64, canary, stable, normal int) Split {
	var best Split
	bestMiss := math.Inf(1)
	for uc := 1; uc <= MaxWeightUnit; uc++ {
		ideal := float64(uc) * float64(canary) * (100 - share) / (share * float64(stable))
		for _, us := range []int{clampUnit(math.Floor(ideal)), clampUnit(math.Ceil(ideal))} {
			got := achieved(canary, stable, uc, us)
			miss := math.Abs(got - share)
			keepsNormal := us*WeightScale == normal && best.Stable != normal
			if miss < bestMiss-1e-12 || (keepsNormal && miss <= bestMiss+1e-12) {
				best, bestMiss = Split{Canary: uc * WeightScale, Stable: us * WeightScale, Share: got}, miss
			}
		}
	}
	return best
}

func clampUnit(v float64) int {
	return int(min(max(v, 1), MaxWeightUnit))
}

// achieved is the canary set's share, in percent, at weights wc and ws.
func achieved(canary, stable, wc, ws int) float64 {
	c, s := float64(canary*wc), float64(stable*ws)
	return 100 * c / (c + s)
}
