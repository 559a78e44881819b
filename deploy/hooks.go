package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/plan"
)

// Hooks (app.hooks) run on the hosts through the agent's hook op:
// before_stop and after_start inside each host's step (instance.go), in
// every step, a revert's included; before and after once per run on one
// host (onceHost), around plan.Run: before once the release is staged
// there and before the first wave, after once every wave succeeded. A
// rollout runs both (a promote, which finishes a paused rollout, only
// after); fleet rollback only with hooks.on_rollback; the automatic
// rollback never.

// ErrHookFailed is wrapped by the error of a run whose before hook failed
// (nothing switched) and by Record.HookErr when its after hook failed.
var ErrHookFailed = errors.New("hook failed")

// onceHost is the host that runs before and after: the first changing
// host (plan order) of hooks.on's group, else the first canary host, else
// the first changing host. "" when no host changes.
func (t *target) onceHost(p plan.Plan) (string, error) {
	h := t.inv.App.Hooks
	var changing []string
	for _, hp := range p.Hosts {
		if hp.Action == plan.ActionUpdate {
			changing = append(changing, hp.Host)
		}
	}
	if len(changing) == 0 {
		return "", nil
	}
	if h.On == "" {
		if len(p.Canary) > 0 {
			return p.Canary[0], nil
		}
		return changing[0], nil
	}
	group := map[string]string{}
	for _, ih := range t.hosts {
		group[ih.Name] = ih.Group
	}
	for _, n := range changing {
		if group[n] == h.On {
			return n, nil
		}
	}
	return "", fmt.Errorf("app.hooks.on: group %s has no host that changes in this run, so before and after have nowhere to run; select one of its hosts or change hooks.on", h.On)
}

// onceHooks is the run's before/after: which host, and the hooks; nil
// when neither is set or no host changes.
type onceHooks struct {
	host          string
	before, after bool
}

// planOnce decides the run's once-per-run hooks before anything changes.
// before: whether this run runs before (a rollout, not a promote).
func (t *target) planOnce(p plan.Plan, before bool) (*onceHooks, error) {
	h := t.inv.App.Hooks
	if h == nil || (h.Before == nil && h.After == nil) {
		return nil, nil
	}
	host, err := t.onceHost(p)
	if err != nil || host == "" {
		return nil, err
	}
	return &onceHooks{host: host, before: before && h.Before != nil, after: h.After != nil}, nil
}

// runOnce runs hook name on o.host for the host's plan step: its version,
// and the one it replaces there.
func (t *target) runOnce(ctx context.Context, fc *fleetConn, p plan.Plan, o *onceHooks, name string) error {
	var hp plan.HostPlan
	for _, h := range p.Hosts {
		if h.Host == o.host {
			hp = h
		}
	}
	hs := fc.get(o.host)
	if hs == nil {
		return fmt.Errorf("no session to %s", o.host)
	}
	err := runHook(ctx, t.out, hs.agent, hookCall{name: name, host: o.host, to: hp.To, from: hp.From})
	if err != nil {
		return fmt.Errorf("%w: %w", ErrHookFailed, &plan.HostError{Host: o.host, Op: name, Err: err})
	}
	return nil
}

// hookCall is one hook run for a step or a run.
type hookCall struct {
	name, host, slot string
	to, from         string
	wave             int
}

// runHook runs one hook through the agent with its events: host_step
// (the hook begins) and hook (how it ended, its output's tail on
// failure).
func runHook(ctx context.Context, out *emitter, a *agent.Client, c hookCall) error {
	out.emit(Event{Kind: KindHostStep, Host: c.host, Wave: c.wave, Step: c.name, Slot: c.slot, From: c.from, To: c.to,
		Message: slotPrefix(c.slot) + "hook " + c.name})
	start := out.now()
	res, err := a.Hook(ctx, agent.HookArgs{Hook: c.name, Version: c.to, Previous: c.from, Host: c.host, Slot: c.slot})
	ev := Event{Kind: KindHook, Host: c.host, Wave: c.wave, Step: c.name, Slot: c.slot, From: c.from, To: c.to,
		Result: "ok", DurationMS: out.now().Sub(start).Milliseconds()}
	if err != nil {
		ev.Result, ev.Error = "error", err.Error()
		ev.Message = fmt.Sprintf("%shook %s failed", slotPrefix(c.slot), c.name)
		out.emit(ev)
		return err
	}
	ev.Message = fmt.Sprintf("%shook %s ok in %s%s", slotPrefix(c.slot), c.name, res.Duration.Std().Round(time.Millisecond), lastLine(res.Output))
	out.emit(ev)
	return nil
}

// lastLine is ": " and the output's last line, for the hook event's
// message; "" when there is none.
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return ": " + s
}

// stepHook runs hook name for the step on slot, when the app has it.
func (in *instanceOps) stepHook(ctx context.Context, name, slot string) error {
	if in.st.hooks.Get(name) == nil {
		return nil
	}
	s := in.s
	if err := runHook(ctx, in.st.out, in.hs.agent, hookCall{name: name, host: s.Host, slot: slot, to: s.To, from: s.From, wave: s.Wave}); err != nil {
		return onSlot(slot, err)
	}
	return nil
}

// beforeHook runs before on its host, once the release is there (with
// stage: ahead, once that host's upload ended). Its failure stops the
// run before the first wave: no host switched.
func (t *target) beforeHook(ctx context.Context, fc *fleetConn, p plan.Plan, o *onceHooks, ahead *stager) error {
	if o == nil || !o.before {
		return nil
	}
	if ahead != nil {
		if err := ahead.wait(ctx, o.host); err != nil {
			ahead.finish(false)
			return &plan.HostError{Host: o.host, Op: "stage", Err: err}
		}
	}
	if err := t.runOnce(ctx, fc, p, o, appspec.HookBefore); err != nil {
		if ahead != nil {
			ahead.finish(false)
		}
		return fmt.Errorf("nothing switched: %w", err)
	}
	return nil
}

// afterHook runs after once every wave succeeded (not on a paused,
// interrupted or failed run); its failure is Record.HookErr.
func (t *target) afterHook(ctx context.Context, fc *fleetConn, p plan.Plan, o *onceHooks, res plan.Result) {
	if o == nil || !o.after || res.Paused || res.Interrupted || res.Err() != nil || ctx.Err() != nil {
		return
	}
	t.rec.HookErr = t.runOnce(ctx, fc, p, o, appspec.HookAfter)
}

// rollbackOnce is fleet rollback's before and after: only with
// hooks.on_rollback (a migration rarely knows how to go back).
func (t *target) rollbackOnce(p plan.Plan) (*onceHooks, error) {
	if h := t.inv.App.Hooks; h == nil || !h.OnRollback {
		return nil, nil
	}
	return t.planOnce(p, true)
}
