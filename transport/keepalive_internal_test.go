package transport

import (
	"testing"
	"time"
)

func TestRunKeepalive(t *testing.T) {
	cases := []struct {
		name     string
		results  []pingResult
		wantDead bool
		wantPing int
	}{
		{"three misses close", []pingResult{pingMissed, pingMissed, pingMissed}, true, 3},
		{"an answer resets the count", []pingResult{pingMissed, pingMissed, pingAnswered, pingMissed, pingMissed, pingMissed}, true, 6},
		{"broken connection stops quietly", []pingResult{pingMissed, pingBroken}, false, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pings, dead := 0, false
			ping := func(time.Duration) pingResult {
				pings++
				return tc.results[pings-1]
			}
			runKeepalive(make(chan struct{}), time.Millisecond, ping, func() { dead = true })
			if dead != tc.wantDead || pings != tc.wantPing {
				t.Errorf("dead=%v after %d pings, want dead=%v after %d", dead, pings, tc.wantDead, tc.wantPing)
			}
		})
	}
}

func TestRunKeepalive_StopsOnDone(t *testing.T) {
	done := make(chan struct{})
	close(done)
	runKeepalive(done, time.Hour, func(time.Duration) pingResult {
		t.Error("pinged after done")
		return pingAnswered
	}, func() { t.Error("declared dead after done") })
}
