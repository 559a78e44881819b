package deploy

import (
	"fmt"
	"slices"
	"strings"
)

// majority is the version most hosts run, when one version is ahead of
// every other; on a tie there is none, and no host is said to drift.
func majority(versions []string) (string, bool) {
	count := map[string]int{}
	for _, v := range versions {
		count[v]++
	}
	best, n, tie := "", 0, false
	for v, c := range count {
		switch {
		case c > n:
			best, n, tie = v, c, false
		case c == n:
			tie = true
		}
	}
	return best, n > 0 && !tie
}

// markDrift flags the hosts whose current version differs from the
// fleet's majority, and returns a sentence about it ("" when none does).
// Hosts that did not answer are left out.
func markDrift(rows []HostStatus) string {
	var versions []string
	for _, r := range rows {
		if r.Status != nil {
			versions = append(versions, r.Status.Current)
		}
	}
	maj, ok := majority(versions)
	if !ok {
		if len(slices.Compact(slices.Sorted(slices.Values(versions)))) > 1 {
			return "no majority version: the fleet is split evenly"
		}
		return ""
	}
	var drift []string
	for i := range rows {
		r := &rows[i]
		if r.Status == nil {
			continue
		}
		r.Majority = maj
		if r.Status.Current != maj {
			r.Drift = true
			drift = append(drift, fmt.Sprintf("%s runs %s", r.Host, orNone(r.Status.Current)))
		}
	}
	if len(drift) == 0 {
		return ""
	}
	return fmt.Sprintf("drift: %d of %d hosts differ from the majority version %s: %s",
		len(drift), len(versions), orNone(maj), strings.Join(drift, ", "))
}
