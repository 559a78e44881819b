// Package agenttest provides fakes for agent's seams: a stateful systemd
// (Units), a journal (Journal), a Consul agent (Registry) and a
// controllable clock (Clock); and, for the client side, an agent that
// answers from a script over pipes (ScriptedClient).
package agenttest

import (
	"context"
	"sync"

	"github.com/fleetdeploy/fleet/agent"
)

var _ agent.UnitManager = (*Units)(nil)

// Units is an in-memory systemd. Restart makes a unit active unless told
// to fail; it models the start limit as systemd does for quick restarts:
// more than StartLimitBurst restarts since the last ResetFailed fail the
// job, set Result to start-limit-hit and leave the unit failed. (Real
// systemd counts within StartLimitIntervalSec; tests restart within it.)
//
// The …Fn fields, when set, replace the method entirely.
type Units struct {
	StartLimitBurst int // 0: no limit

	RestartFn     func(ctx context.Context, name string) error
	StopFn        func(ctx context.Context, name string) error
	ResetFailedFn func(ctx context.Context, name string) error
	ActiveStateFn func(ctx context.Context, name string) (string, error)
	UnitResultFn  func(ctx context.Context, name string) (string, error)

	mu       sync.Mutex
	states   map[string]string
	results  map[string]string
	starts   map[string]int
	failNext map[string]string
	calls    []string
}

// NewUnits returns a fake with no limit where every unit is inactive.
func NewUnits() *Units {
	return &Units{
		states: map[string]string{}, results: map[string]string{},
		starts: map[string]int{}, failNext: map[string]string{},
	}
}

// SetState sets a unit's ActiveState.
func (u *Units) SetState(name, state string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.states[name] = state
}

// FailRestarts makes every later restart of name fail with Result result
// (e.g. "exit-code"), until FailRestarts(name, "").
func (u *Units) FailRestarts(name, result string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.failNext[name] = result
}

// Calls lists the calls made, as "restart x.service", "stop x.service",
// "reset-failed x.service"; ActiveState and UnitResult are not recorded.
func (u *Units) Calls() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.calls...)
}

// Restart implements agent.UnitManager.
func (u *Units) Restart(ctx context.Context, name string) error {
	if u.RestartFn != nil {
		return u.RestartFn(ctx, name)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.calls = append(u.calls, "restart "+name)
	u.starts[name]++
	if u.StartLimitBurst > 0 && u.starts[name] > u.StartLimitBurst {
		u.states[name], u.results[name] = "failed", agent.ResultStartLimitHit
		return &agent.JobError{Unit: name, Job: "restart", Result: "failed"}
	}
	if r := u.failNext[name]; r != "" {
		u.states[name], u.results[name] = "failed", r
		return &agent.JobError{Unit: name, Job: "restart", Result: "failed"}
	}
	u.states[name], u.results[name] = "active", "success"
	return nil
}

// Stop implements agent.UnitManager: the unit becomes inactive.
func (u *Units) Stop(ctx context.Context, name string) error {
	if u.StopFn != nil {
		return u.StopFn(ctx, name)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.calls = append(u.calls, "stop "+name)
	u.states[name] = "inactive"
	return nil
}

// ResetFailed implements agent.UnitManager: it clears the failed state and
// the start counter.
func (u *Units) ResetFailed(ctx context.Context, name string) error {
	if u.ResetFailedFn != nil {
		return u.ResetFailedFn(ctx, name)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.calls = append(u.calls, "reset-failed "+name)
	u.starts[name] = 0
	if u.states[name] == "failed" {
		u.states[name], u.results[name] = "inactive", "success"
	}
	return nil
}

// ActiveState implements agent.UnitManager; unknown units are "inactive",
// as in systemd.
func (u *Units) ActiveState(ctx context.Context, name string) (string, error) {
	if u.ActiveStateFn != nil {
		return u.ActiveStateFn(ctx, name)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if s, ok := u.states[name]; ok {
		return s, nil
	}
	return "inactive", nil
}

// UnitResult implements agent.UnitManager.
func (u *Units) UnitResult(ctx context.Context, name string) (string, error) {
	if u.UnitResultFn != nil {
		return u.UnitResultFn(ctx, name)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if r, ok := u.results[name]; ok {
		return r, nil
	}
	return "success", nil
}
