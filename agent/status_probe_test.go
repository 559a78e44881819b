package agent_test

import (
	"context"
	"testing"
)

func TestStatus_ProbeRunsChecksWithoutVerdict(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	h.deploy(t, s.c, "1", true)
	h.units.SetState(testUnit, "failed")

	st, err := s.c.Probe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Checks) != 1 || st.Checks[0].OK {
		t.Fatalf("checks = %+v, want one failing check", st.Checks)
	}
	// Observing is not judging: 1 is still the last good release.
	if st.LastGood != "1" {
		t.Errorf("last_good = %q after a probe, want 1", st.LastGood)
	}
	plain, err := s.c.Status(ctx)
	if err != nil || plain.Checks != nil {
		t.Errorf("plain status ran checks: %+v, %v", plain.Checks, err)
	}
}
