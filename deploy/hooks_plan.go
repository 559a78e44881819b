package deploy

import (
	"fmt"
	"strings"

	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/plan"
)

// PlanHook is one hook as fleet plan lists it: what runs, as whom, and
// where: one host (before, after) or each changing host.
type PlanHook struct {
	Hook    string
	Argv    []string
	User    string
	Timeout string
	// Host is the one host of before and after; "" for the per-host
	// hooks, which run on Hosts hosts.
	Host  string
	Hosts int
}

// planHooks lists the app's hooks in the order a rollout of p runs
// them; an error when before and after would have nowhere to run.
func (t *target) planHooks(p plan.Plan) ([]PlanHook, error) {
	h := t.inv.App.Hooks
	if h == nil || p.Changes() == 0 {
		return nil, nil
	}
	once, err := t.onceHost(p)
	if err != nil {
		return nil, err
	}
	var out []PlanHook
	for _, name := range appspec.HookNames {
		hk := h.Get(name)
		if hk == nil {
			continue
		}
		ph := PlanHook{Hook: name, Argv: hk.Argv, User: hk.RunUser(), Timeout: hk.RunTimeout().String(), Hosts: p.Changes()}
		if name == appspec.HookBefore || name == appspec.HookAfter {
			ph.Host, ph.Hosts = once, 1
		}
		out = append(out, ph)
	}
	return out, nil
}

// Where is the host the hook runs on, or "each changing host (n)".
func (h PlanHook) Where() string {
	if h.Host != "" {
		return h.Host
	}
	return fmt.Sprintf("each changing host (%d)", h.Hosts)
}

// Command is the hook's argv as one line, each word quoted when it
// needs to be.
func (h PlanHook) Command() string {
	words := make([]string, len(h.Argv))
	for i, a := range h.Argv {
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\$`;&|<>*?()[]{}") {
			a = fmt.Sprintf("%q", a)
		}
		words[i] = a
	}
	return strings.Join(words, " ")
}

// PlanHookEvents are the plan's hooks for machines: one plan_hook each.
func PlanHookEvents(hooks []PlanHook) []Event {
	evs := make([]Event, 0, len(hooks))
	for _, h := range hooks {
		evs = append(evs, Event{Kind: KindPlanHook, Step: h.Hook, Host: h.Host, Hosts: h.Hosts,
			Message: fmt.Sprintf("%s on %s: %s (as %s, timeout %s)", h.Hook, h.Where(), h.Command(), h.User, h.Timeout)})
	}
	return evs
}
