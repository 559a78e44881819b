package agent_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
)

// A verdict is journalled as it was given, and only a well-formed one.
func TestVerdict_Journalled(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	if err := s.c.Verdict(ctx, agent.VerdictArgs{Version: "v2", What: "analysis step 2", Result: "failed",
		Reason: "error_rate 0.052 ≥ 0.01 (condition < 0.01)"}); err != nil {
		t.Fatal(err)
	}
	e := lastJournal(t, s.c)
	if e.Op != agent.OpVerdict || e.Version != "v2" || e.Result != "failed" || e.Reason != "analysis step 2: error_rate 0.052 ≥ 0.01 (condition < 0.01)" {
		t.Errorf("journal = %+v", e)
	}
	var ae *agent.Error
	for _, a := range []agent.VerdictArgs{
		{Version: "../x", What: "a", Result: "failed"},
		{Version: "v2", What: "a", Result: "maybe"},
		{Version: "v2", What: strings.Repeat("a", 65), Result: "failed"},
		{Version: "v2", What: "a", Result: "failed", Reason: strings.Repeat("r", 1025)},
	} {
		if err := s.c.Verdict(ctx, a); !errors.As(err, &ae) || ae.Code != agent.CodeBadRequest {
			t.Errorf("Verdict(%+v) = %v, want bad_request", a, err)
		}
	}
}
