package deploy_test

import (
	"errors"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/report"
)

// TestRecord_Done: rollout_done says what the report says, and a run that
// never ran its plan was interrupted or could not start.
func TestRecord_Done(t *testing.T) {
	started := time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC)
	finished := started.Add(1500 * time.Millisecond)
	ran := &plan.Result{Hosts: []plan.HostResult{
		{Host: "a", From: "v1", To: "v2", State: plan.StateDone},
		{Host: "b", From: "v1", To: "v2", State: plan.StateDone},
		{Host: "c", From: "v2", To: "v2", State: plan.StateSkipped},
	}}
	for _, tc := range []struct {
		name   string
		rec    deploy.Record
		result string
		code   int
		err    error
		state  string
		counts map[string]int
	}{
		{name: "Ran", rec: deploy.Record{Command: "rollout", ID: "r1", Version: "v2", Result: ran},
			result: report.Succeeded, state: "succeeded", counts: map[string]int{"done": 2, "skipped": 1}},
		{name: "CouldNotStart", rec: deploy.Record{Command: "rollback"}, result: report.NotStarted, code: 3,
			err: errors.New("no host selected"), state: "could not start"},
		{name: "Interrupted", rec: deploy.Record{Command: "promote", ID: "r2"}, result: report.Interrupted, code: 130,
			err: errors.New("interrupted"), state: "interrupted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := tc.rec.Done(tc.result, tc.code, tc.err, started, finished)
			rep := tc.rec.Report(tc.result, tc.code, tc.err, started, finished)
			if ev.Kind != deploy.KindRolloutDone || ev.Command != rep.Command || ev.RolloutID != rep.RolloutID || ev.To != rep.Version ||
				ev.Result != rep.Result || ev.ExitCode == nil || *ev.ExitCode != rep.ExitCode || ev.Error != rep.Error {
				t.Errorf("rollout_done %+v, report %+v", ev, rep)
			}
			if ev.State != tc.state || ev.DurationMS != 1500 || len(ev.Counts) != len(tc.counts) {
				t.Errorf("state %q, %d ms, counts %v; want %q, 1500, %v", ev.State, ev.DurationMS, ev.Counts, tc.state, tc.counts)
			}
			for k, n := range tc.counts {
				if ev.Counts[k] != n {
					t.Errorf("counts %v, want %v", ev.Counts, tc.counts)
				}
			}
		})
	}
}
