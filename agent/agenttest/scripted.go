package agenttest

import (
	"bufio"
	"encoding/json"
	"io"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
)

// ScriptedClient is a Client whose agent, over pipes and without a host,
// answers every request with answer's response (its ID set to the
// request's); when answer returns false the agent's output ends instead,
// as when a session dies.
func ScriptedClient(t testing.TB, answer func(agent.Request) (agent.Response, bool)) *agent.Client {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	go func() {
		defer outW.Close()
		sc := bufio.NewScanner(inR)
		for sc.Scan() {
			var req agent.Request
			if len(sc.Bytes()) == 0 || json.Unmarshal(sc.Bytes(), &req) != nil {
				continue // a heartbeat, or not a request
			}
			resp, ok := answer(req)
			if !ok {
				return
			}
			resp.ID = req.ID
			line, _ := json.Marshal(resp)
			if _, err := outW.Write(append(line, '\n')); err != nil {
				return
			}
		}
	}()
	c := agent.NewClient(inW, outR)
	t.Cleanup(func() { _ = c.Close(); _ = inR.Close() })
	return c
}
