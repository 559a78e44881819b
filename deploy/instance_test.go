package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/agent/agenttest"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// scriptedSession is a host session whose agent answers every request
// with answer's response; no host, no SSH.
func scriptedSession(t *testing.T, name string, answer func(agent.Request) agent.Response) *hostSession {
	t.Helper()
	c := agenttest.ScriptedClient(t, func(req agent.Request) (agent.Response, bool) { return answer(req), true })
	return &hostSession{host: inventory.Host{Name: name}, agent: c, slotVersion: map[string]string{}}
}

// TestInstance_GateErrorReadsOnce: a failed gate says health once, as the
// agent said it, with the host and the step around it and the slot on a
// host with slots; errors.Is still finds the code.
func TestInstance_GateErrorReadsOnce(t *testing.T) {
	out := testEmitter(t, nil, nil)
	hs := scriptedSession(t, "web1", func(agent.Request) agent.Response {
		return agent.Response{Error: &agent.WireError{Code: agent.CodeUnhealthy,
			Message: "health v2: not healthy within 2s (41 rounds); last failure: http GET /healthz: status 500"}}
	})
	step := plan.Step{Host: "web1", Kind: plan.StepActivate, From: "v1", To: "v2"}
	in := &instanceOps{st: &stepper{out: out}, hs: hs, s: step}
	for slot, want := range map[string]string{
		"":     "host web1: activate: unhealthy: health v2: not healthy within 2s (41 rounds); last failure: http GET /healthz: status 500",
		"blue": "host web1: activate: slot blue: unhealthy: health v2: not healthy within 2s (41 rounds); last failure: http GET /healthz: status 500",
	} {
		err := error(&plan.HostError{Host: "web1", Op: string(step.Kind), Err: in.gate(t.Context(), slot)})
		if err.Error() != want || !errors.Is(err, agent.CodeUnhealthy) {
			t.Errorf("slot %q:\n got %v\nwant %s", slot, err, want)
		}
	}
}

// TestStage_FromIsWhatTheHostRuns: the staging events name the version
// the host runs (learned from its status), not "(none)".
func TestStage_FromIsWhatTheHostRuns(t *testing.T) {
	var log eventLog
	out := testEmitter(t, &log, nil)
	hs := scriptedSession(t, "web1", func(agent.Request) agent.Response {
		res, _ := json.Marshal(agent.StageBeginResult{Present: true})
		return agent.Response{OK: true, Result: res}
	})
	hs.learn(agent.StatusResult{Current: "v1"})
	if _, err := stage(t.Context(), hs, Artifact{Version: "v2", SHA256: "ab", Size: 1}, out); err != nil {
		t.Fatal(err)
	}
	evs := log.kind(KindHostStep, "stage")
	if len(evs) != 1 || evs[0].From != "v1" || evs[0].To != "v2" || evs[0].Host != "web1" || evs[0].Message != "already present" {
		t.Fatalf("stage events %+v", evs)
	}
}

// recordingSession is a scripted session that answers every op with
// success (serve names the slot it was asked for) and records each op
// with its slot, as "op slot".
func recordingSession(t *testing.T, ops *[]string) *hostSession {
	var mu sync.Mutex
	return scriptedSession(t, "web1", func(req agent.Request) agent.Response {
		var args struct {
			Slot string `json:"slot"`
		}
		_ = json.Unmarshal(req.Args, &args)
		mu.Lock()
		*ops = append(*ops, string(req.Op)+" "+args.Slot)
		mu.Unlock()
		res := json.RawMessage(`{}`)
		if req.Op == agent.OpServe {
			res, _ = json.Marshal(agent.ServeResult{Serving: args.Slot})
		}
		return agent.Response{OK: true, Result: res}
	})
}

// TestInstance_BlueGreenStepsReadSlotsFromTheStep: each blue/green step
// acts on the slots its plan.Step names, on a session that ran no earlier
// step (no memory of a prepare): the prepared slot is Step.Slot, the old
// one Step.Serving.
func TestInstance_BlueGreenStepsReadSlotsFromTheStep(t *testing.T) {
	out := testEmitter(t, nil, nil)
	for _, tc := range []struct {
		kind plan.StepKind
		run  func(*instanceOps, context.Context) error
		want []string
	}{
		{plan.StepPrepare, (*instanceOps).prepare, []string{"switch green", "restart green", "register green", "health green"}},
		{plan.StepCutover, (*instanceOps).cutover, []string{"enable green", "serve green", "drain blue"}},
		{plan.StepRetire, (*instanceOps).retire, []string{"stop blue"}},
		{plan.StepDiscard, (*instanceOps).discard, []string{"drain green", "stop green"}},
		{plan.StepUncut, (*instanceOps).uncut, []string{"enable blue", "serve blue", "drain green", "stop green"}},
	} {
		var ops []string
		hs := recordingSession(t, &ops)
		step := plan.Step{Host: "web1", Kind: tc.kind, Mode: plan.ModeSurge, From: "v1", To: "v2", Slot: "green", Serving: "blue"}
		in := &instanceOps{st: &stepper{out: out, consul: true}, hs: hs, s: step}
		if err := tc.run(in, t.Context()); err != nil {
			t.Fatalf("%s: %v", tc.kind, err)
		}
		if !slices.Equal(ops, tc.want) {
			t.Errorf("%s: ops %q, want %q", tc.kind, ops, tc.want)
		}
		step.Slot = ""
		in.s = step
		if err := tc.run(in, t.Context()); err == nil {
			t.Errorf("%s naming no slot: no error", tc.kind)
		}
	}
}

// TestInstance_SurgeRevertAsksWhichSlotServes: a rolling revert of a
// surge goes back into Step.Slot; whether that slot still serves (the
// surge failed before moving traffic) is the host's word, so it is only
// put back in service, not restarted.
func TestInstance_SurgeRevertAsksWhichSlotServes(t *testing.T) {
	out := testEmitter(t, nil, nil)
	step := plan.Step{Host: "web1", Kind: plan.StepRevert, Mode: plan.ModeSurge, From: "v2", To: "v1", Slot: "blue", Serving: "green"}
	for _, tc := range []struct {
		name    string
		serving string
		want    []string
	}{
		{"traffic never moved", "blue", []string{"enable blue", "serve blue", "drain green", "stop green"}},
		{"traffic moved", "green", []string{"switch blue", "restart blue", "register blue", "health blue", "enable blue", "serve blue", "drain green", "stop green"}},
	} {
		var ops []string
		hs := recordingSession(t, &ops)
		hs.learn(agent.StatusResult{Current: "v1", Serving: tc.serving, Instances: []agent.InstanceStatus{{Slot: "blue", Version: "v1"}, {Slot: "green", Version: "v2"}}})
		in := &instanceOps{st: &stepper{out: out, consul: true}, hs: hs, s: step}
		if err := in.surge(t.Context()); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.Equal(ops, tc.want) {
			t.Errorf("%s: ops %q, want %q", tc.name, ops, tc.want)
		}
	}
}
