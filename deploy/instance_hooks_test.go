package deploy

import (
	"encoding/json"
	"slices"
	"sync"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/plan"
)

// TestInstance_HooksInEveryMode: before_stop comes after the drain of the
// instance that stops and before what stops it, after_start after the
// restart and before the registration and gate: in place, in a surge and
// in blue/green's steps.
func TestInstance_HooksInEveryMode(t *testing.T) {
	out := testEmitter(t, nil, nil)
	hooks := &appspec.Hooks{BeforeStop: &appspec.Hook{Argv: []string{"/bin/true"}}, AfterStart: &appspec.Hook{Argv: []string{"/bin/true"}}}
	for _, tc := range []struct {
		name string
		step plan.Step
		run  func(*instanceOps) error
		want []string
	}{
		{"in place", plan.Step{Kind: plan.StepActivate, Mode: plan.ModeInPlace}, func(in *instanceOps) error { return in.inPlace(t.Context()) },
			[]string{"drain ", "hook before_stop ", "switch ", "restart ", "hook after_start ", "register ", "health ", "enable "}},
		{"surge", plan.Step{Kind: plan.StepActivate, Mode: plan.ModeSurge, Slot: "green", Serving: "blue"}, func(in *instanceOps) error { return in.surge(t.Context()) },
			[]string{"switch green", "restart green", "hook after_start green", "register green", "health green", "enable green", "serve green",
				"drain blue", "hook before_stop blue", "stop blue"}},
		{"blue/green prepare", plan.Step{Kind: plan.StepPrepare, Mode: plan.ModeSurge, Slot: "green", Serving: "blue"}, func(in *instanceOps) error { return in.prepare(t.Context()) },
			[]string{"switch green", "restart green", "hook after_start green", "register green", "health green"}},
		{"blue/green retire", plan.Step{Kind: plan.StepRetire, Mode: plan.ModeSurge, Slot: "green", Serving: "blue"}, func(in *instanceOps) error { return in.retire(t.Context()) },
			[]string{"hook before_stop blue", "stop blue"}},
	} {
		var ops []string
		hs := hookRecorder(t, &ops)
		tc.step.Host, tc.step.From, tc.step.To = "web1", "v1", "v2"
		in := &instanceOps{st: &stepper{out: out, consul: true, hooks: hooks}, hs: hs, s: tc.step}
		if err := tc.run(in); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.Equal(ops, tc.want) {
			t.Errorf("%s: ops %q\nwant %q", tc.name, ops, tc.want)
		}
	}
}

// TestInstance_AfterStartFailureStopsTheStep: nothing after a failed
// after_start runs; the error names the hook, the slot and the host's
// words.
func TestInstance_AfterStartFailureStopsTheStep(t *testing.T) {
	var ops []string
	hs := scriptedSession(t, "web1", func(req agent.Request) agent.Response {
		ops = append(ops, string(req.Op))
		if req.Op == agent.OpHook {
			return agent.Response{Error: &agent.WireError{Code: agent.CodeHookFailed, Message: "hook after_start: /bin/warm (as root): exit status 1; output:\nno"}}
		}
		return agent.Response{OK: true, Result: json.RawMessage(`{}`)}
	})
	step := plan.Step{Host: "web1", Kind: plan.StepActivate, Mode: plan.ModeSurge, From: "v1", To: "v2", Slot: "green", Serving: "blue"}
	hooks := &appspec.Hooks{AfterStart: &appspec.Hook{Argv: []string{"/bin/warm"}}}
	in := &instanceOps{st: &stepper{out: testEmitter(t, nil, nil), consul: true, hooks: hooks}, hs: hs, s: step}
	err := in.surge(t.Context())
	if want := "slot green: hook_failed: hook after_start: /bin/warm (as root): exit status 1; output:\nno"; err == nil || err.Error() != want {
		t.Errorf("err %v\nwant %s", err, want)
	}
	if want := []string{"switch", "restart", "hook"}; !slices.Equal(ops, want) {
		t.Errorf("ops %q, want %q", ops, want)
	}
}

// hookRecorder is recordingSession that also names the hook: "op slot"
// or "hook <name> slot".
func hookRecorder(t *testing.T, ops *[]string) *hostSession {
	var mu sync.Mutex
	return scriptedSession(t, "web1", func(req agent.Request) agent.Response {
		var args struct {
			Slot string `json:"slot"`
			Hook string `json:"hook"`
		}
		_ = json.Unmarshal(req.Args, &args)
		op := string(req.Op)
		if args.Hook != "" {
			op += " " + args.Hook
		}
		mu.Lock()
		*ops = append(*ops, op+" "+args.Slot)
		mu.Unlock()
		res := json.RawMessage(`{}`)
		if req.Op == agent.OpServe {
			res, _ = json.Marshal(agent.ServeResult{Serving: args.Slot})
		}
		return agent.Response{OK: true, Result: res}
	})
}
