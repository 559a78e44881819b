package agent

import (
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
)

func TestGate_Timing(t *testing.T) {
	pass := []CheckResult{{Check: "c", OK: true}}
	fail := []CheckResult{{Check: "c", Reason: "down"}}
	spec := appspec.Health{
		MinHealthyTime: appspec.Duration(10 * time.Second),
		Deadline:       appspec.Duration(30 * time.Second),
		Interval:       appspec.Duration(5 * time.Second),
	}
	type round struct {
		at      time.Duration
		results []CheckResult
		want    gateVerdict
	}
	tests := []struct {
		name   string
		spec   appspec.Health
		rounds []round
	}{
		{"passes after min healthy time", spec, []round{
			{0, pass, gatePending}, {5 * time.Second, pass, gatePending}, {10 * time.Second, pass, gateHealthy},
		}},
		{"a failure restarts the streak", spec, []round{
			{0, pass, gatePending}, {5 * time.Second, fail, gatePending},
			{10 * time.Second, pass, gatePending}, {15 * time.Second, pass, gatePending},
			{20 * time.Second, pass, gateHealthy},
		}},
		{"deadline while failing", spec, []round{
			{0, fail, gatePending}, {29 * time.Second, fail, gatePending}, {30 * time.Second, fail, gateUnhealthy},
		}},
		{"deadline while passing but too briefly", spec, []round{
			{25 * time.Second, pass, gatePending}, {31 * time.Second, pass, gateUnhealthy},
		}},
		{"zero min healthy time passes at once", appspec.Health{Deadline: spec.Deadline, Interval: spec.Interval}, []round{
			{0, pass, gateHealthy},
		}},
		{"a slow round counts by when it ended", spec, []round{
			{0, pass, gatePending}, {12 * time.Second, pass, gateHealthy},
		}},
	}
	start := time.Unix(0, 0) // the zero Unix time must not look like "no streak"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGate(tt.spec, start)
			for i, r := range tt.rounds {
				p, got := g.observe(start.Add(r.at), r.results)
				if got != r.want {
					t.Fatalf("round %d at %s: verdict %d, want %d (progress %+v)", i+1, r.at, got, r.want, p)
				}
			}
		})
	}
}

func TestGate_FailureNamesLastFailingCheck(t *testing.T) {
	g := newGate(appspec.Health{Deadline: appspec.Duration(time.Second), Interval: appspec.Duration(time.Second)}, time.Unix(0, 0))
	g.observe(time.Unix(0, 0), []CheckResult{{Check: "tcp :1", Reason: "refused"}})
	g.observe(time.Unix(1, 0), []CheckResult{{Check: "http GET /", Reason: "status 500"}})
	if got, want := g.failure(), "last failure: http GET /: status 500"; !strings.Contains(got, want) {
		t.Errorf("failure() = %q, want it to contain %q", got, want)
	}
}
