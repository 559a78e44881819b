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

	t.Run("ToPrevious", func(t *testing.T) {
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
			"sim2": {"v1", 3}, // v1, v2, back to v1
			"sim3": {"v1", 3},
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
}
