package main

import (
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
)

// TestRollback runs on a fleet where v1 and v2 went everywhere and v3 only
// to sim1.
func TestRollback(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	s.mustRollout("v1")
	s.mustRollout("v2")
	s.mustRollout("v3", "--limit", "sim1")

	t.Run("ToVersionMissingOnSomeHosts", func(t *testing.T) {
		before := s.snapshot()
		r := s.run(t.Context(), "rollback", "--to", "v3")
		r.wantCode(t, exitCannotStart)
		for _, name := range []string{"sim2", "sim3"} {
			if want := "host " + name + ": rollback: release v3 is not on this host"; !strings.Contains(r.stderr, want) {
				t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
			}
		}
		if strings.Contains(r.stderr, "host sim1:") {
			t.Errorf("stderr blames sim1, which has v3:\n%s", r.stderr)
		}
		if steps := r.kind(t, "host_step"); len(steps) != 0 {
			t.Errorf("a refused rollback took steps: %+v", steps)
		}
		s.wantUnchanged(before, s.snapshot())
	})

	t.Run("DryRunShowsOneTargetAndChangesNothing", func(t *testing.T) {
		before := s.snapshot()
		r := s.run(t.Context(), "rollback", "--dry-run")
		r.wantCode(t, exitOK)
		hosts := r.kind(t, "plan_host")
		if len(hosts) != 3 {
			t.Fatalf("%d plan_host events, want 3", len(hosts))
		}
		for _, e := range hosts {
			if e.To != "v2" {
				t.Errorf("%s: dry run target %q, want v2", e.Host, e.To)
			}
		}
		if n := len(r.kind(t, "host_step")) + len(r.kind(t, "rollout_done")); n != 0 {
			t.Errorf("a dry run took steps or reported a run (%d events)", n)
		}
		s.wantUnchanged(before, s.snapshot())
	})

	// One target for all: what the hosts ran before the last rollout that
	// changed any of them (v3 on sim1 only), not each host's own previous
	// release, which would leave sim1 on v2 and the others on v1.
	t.Run("ToWhatRanBeforeTheLastRollout", func(t *testing.T) {
		r := s.run(t.Context(), "rollback")
		r.wantCode(t, exitOK)
		if got := r.done(t); got != "succeeded" {
			t.Errorf("rollout_done %q, want succeeded", got)
		}
		if ups := r.kind(t, "host_step:upload"); len(ups) != 0 {
			t.Errorf("rollback uploaded: %+v", ups)
		}
		want := map[string]struct {
			current  string
			restarts int
		}{
			"sim1": {"v2", 4}, // v1, v2, v3, back to v2
			"sim2": {"v2", 2}, // v1, v2: already there
			"sim3": {"v2", 2},
		}
		for _, h := range s.fleet.Hosts() {
			w := want[h.Name()]
			if got := h.Current(); got != w.current {
				t.Errorf("%s: current %q, want %s", h.Name(), got, w.current)
			}
			if got := h.Restarts(); got != w.restarts {
				t.Errorf("%s: %d restarts, want %d", h.Name(), got, w.restarts)
			}
		}
	})

	t.Run("RunAgainChangesNothing", func(t *testing.T) {
		before := s.snapshot()
		r := s.run(t.Context(), "rollback")
		r.wantCode(t, exitOK)
		if steps := r.kind(t, "host_step"); len(steps) != 0 {
			t.Errorf("a second rollback took steps: %+v", steps)
		}
		s.wantUnchanged(before, s.snapshot())
	})
}

// TestRollback_RefusesWhenHostsDisagree: a host that drifted to another
// version than the last rollout came from gives no single target; the
// rollback names every host and changes nothing.
func TestRollback_RefusesWhenHostsDisagree(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	s.mustRollout("v1")
	s.mustRollout("v2")
	s.mustRollout("v3", "--limit", "sim1,sim2")
	if r := s.run(t.Context(), "rollback", "--to", "v1", "--limit", "sim3"); r.code != exitOK {
		t.Fatalf("rollback --to v1 --limit sim3: exit %d\n%s", r.code, r.stderr)
	}
	before := s.snapshot()
	r := s.run(t.Context(), "rollback")
	r.wantCode(t, exitCannotStart)
	for _, want := range []string{"do not agree", "sim1: runs v3, would return to v2", "sim3: runs v1, would return to v1", "--to VERSION"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	s.wantUnchanged(before, s.snapshot())
}
