package plan_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fleetdeploy/fleet/plan"
)

func ExampleCompute() {
	targets := []plan.Target{
		{Host: "web3", From: "v1", To: "v2"},
		{Host: "web1", From: "v1", To: "v2"},
		{Host: "web2", From: "v2", To: "v2"}, // already there: skipped
		{Host: "web5", From: "v1", To: "v2"},
		{Host: "web4", From: "", To: "v2"}, // fresh host
	}
	maxUnavailable, err := plan.ParseIntOrPercent("40%")
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := plan.Compute(plan.KindRollout, targets, plan.Strategy{MaxUnavailable: maxUnavailable})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("window %d, budget %d, %d changes\n", p.Window, p.Budget, p.Changes())
	for i, wave := range p.Waves {
		fmt.Printf("wave %d: %s\n", i+1, strings.Join(wave, " "))
	}
	for _, h := range p.Hosts {
		fmt.Printf("%s %-6s %s\n", h.Host, h.Action, h.Reason)
	}
	// Output:
	// window 2, budget 0, 4 changes
	// wave 1: web1 web3
	// wave 2: web4 web5
	// web1 update wave 1/2: maxUnavailable=2 (40% of 5)
	// web2 skip   already on v2
	// web3 update wave 1/2: maxUnavailable=2 (40% of 5)
	// web4 update wave 2/2: maxUnavailable=2 (40% of 5)
	// web5 update wave 2/2: maxUnavailable=2 (40% of 5)
}

// unhealthyOn is a Host on which activating the named host fails.
type unhealthyOn string

func (u unhealthyOn) Apply(_ context.Context, s plan.Step) error {
	if s.Kind == plan.StepActivate && s.Host == string(u) {
		return errors.New("health check failed")
	}
	return nil
}

func ExampleRun() {
	p, err := plan.Compute(plan.KindRollout, []plan.Target{
		{Host: "web1", From: "v1", To: "v2"},
		{Host: "web2", From: "v1", To: "v2"},
		{Host: "web3", From: "v1", To: "v2"},
	}, plan.Strategy{MaxUnavailable: plan.IntOrPercent{Value: 1}, AutoRollback: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	show := func(ev plan.Event) { fmt.Printf("%s %s: %s -> %s (%s)\n", ev.Host, ev.Kind, ev.From, ev.To, ev.Reason) }
	res := plan.Run(context.Background(), p, unhealthyOn("web2"), plan.Options{Observer: show})
	fmt.Println(res.Err())
	// Output:
	// web1 activate: pending -> active (wave 1/3: maxUnavailable=1)
	// web1 activate: active -> done (activated v2)
	// web2 activate: pending -> active (wave 2/3: maxUnavailable=1)
	// web2 activate: active -> failed (activate v2 failed (1 failed, budget 0): budget exceeded, halting)
	// web3 activate: pending -> not-started (not started: failure budget exceeded)
	// web2 revert: pending -> active (rollback wave 1/2: activating v2 failed)
	// web2 revert: active -> done (reverted to v1)
	// web1 revert: pending -> active (rollback wave 2/2: undo v2: the rollout halted on its failure budget)
	// web1 revert: active -> done (reverted to v1)
	// web2 revert: failed -> rolled-back (rolled back to v1)
	// web1 revert: done -> rolled-back (rolled back to v1)
	// failure budget exceeded: 1 failed
	// host web2: activate: health check failed
}
