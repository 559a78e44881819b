package agent_test

import (
	"context"
	"errors"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/agent/agenttest"
)

// scriptedAgent is a Client whose agent answers every request with
// answer's error, or ends its output when answer returns nil.
func scriptedAgent(t *testing.T, answer func(agent.Request) *agent.WireError) *agent.Client {
	t.Helper()
	return agenttest.ScriptedClient(t, func(req agent.Request) (agent.Response, bool) {
		werr := answer(req)
		return agent.Response{Error: werr}, werr != nil
	})
}

// TestClient_ErrorsNameTheOpOnce: the agent's errors name their op, so
// the client passes them on as they are; its own failures, and the
// agent's internal ones (which wrap whatever failed), get the op.
func TestClient_ErrorsNameTheOpOnce(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer *agent.WireError
		want   string
		is     error
	}{
		{"Unhealthy", &agent.WireError{Code: agent.CodeUnhealthy, Message: "health v2: not healthy within 2s"},
			"unhealthy: health v2: not healthy within 2s", agent.CodeUnhealthy},
		{"LockHeld", &agent.WireError{Code: agent.CodeLockHeld, Message: "lock held by alice"},
			"lock_held: lock held by alice", agent.CodeLockHeld},
		{"Internal", &agent.WireError{Code: agent.CodeInternal, Message: "open x: permission denied"},
			"agent health: internal: open x: permission denied", agent.CodeInternal},
		{"OutputEnded", nil, "agent health: agent session closed: agent output ended", agent.ErrClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := scriptedAgent(t, func(agent.Request) *agent.WireError { return tc.answer })
			_, err := c.Health(context.Background(), agent.HealthArgs{Version: "v2"}, nil)
			if err == nil || err.Error() != tc.want || !errors.Is(err, tc.is) {
				t.Errorf("err %v\nwant %s (errors.Is %v)", err, tc.want, tc.is)
			}
		})
	}
}
