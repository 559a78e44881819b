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

func ExampleCompute_surge() {
	targets := []plan.Target{
		{Host: "web1", From: "v1", To: "v2", Surge: true}, // two slots: surges
		{Host: "web2", From: "v1", To: "v2"},              // one slot: in place
		{Host: "web3", From: "v1", To: "v2", Surge: true},
		{Host: "web4", From: "v1", To: "v2", Surge: true},
		{Host: "web5", From: "v1", To: "v2"},
	}
	p, err := plan.Compute(plan.KindRollout, targets, plan.Strategy{
		MaxUnavailable: plan.IntOrPercent{Value: 1},
		MaxSurge:       plan.IntOrPercent{Value: 30, Percent: true},
		Canary:         plan.IntOrPercent{Value: 1},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("window %d, surge window %d, canary %v\n", p.Window, p.SurgeWindow, p.Canary)
	for i, wave := range p.Waves {
		fmt.Printf("wave %d: %s\n", i+1, strings.Join(wave, " "))
	}
	for _, h := range p.Hosts {
		fmt.Printf("%s %-8s %s\n", h.Host, h.Mode, h.Reason)
	}

	// Without maxUnavailable, every changing host must surge.
	_, err = plan.Compute(plan.KindRollout, targets, plan.Strategy{MaxSurge: plan.IntOrPercent{Value: 1}})
	fmt.Println(err)
	// Output:
	// window 1, surge window 2, canary [web1]
	// wave 1: web1
	// wave 2: web2 web3 web4
	// wave 3: web5
	// web1 surge    canary wave 1/3 (surge): 1 of 5 changing hosts; maxSurge=2 (30% of 5, rounded up)
	// web2 in-place wave 2/3: maxUnavailable=1
	// web3 surge    wave 2/3 (surge): maxSurge=2 (30% of 5, rounded up)
	// web4 surge    wave 2/3 (surge): maxSurge=2 (30% of 5, rounded up)
	// web5 in-place wave 3/3: maxUnavailable=1
	// no second slot to surge into: maxUnavailable=0 lets no host out of service, so every changing host must surge; no second slot on web2, web5
}

func ExampleRun_canary() {
	p, err := plan.Compute(plan.KindRollout, []plan.Target{
		{Host: "web1", From: "v1", To: "v2"},
		{Host: "web2", From: "v1", To: "v2"},
		{Host: "web3", From: "v1", To: "v2"},
	}, plan.Strategy{MaxUnavailable: plan.IntOrPercent{Value: 1}, Canary: plan.IntOrPercent{Value: 1}, AutoRollback: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	show := func(ev plan.Event) { fmt.Printf("%s %s: %s -> %s (%s)\n", ev.Host, ev.Kind, ev.From, ev.To, ev.Reason) }
	pause := func(_ context.Context, canary []string) error {
		fmt.Println("canary", canary, "passed its gate; waiting for a human")
		return fmt.Errorf("%w: resume when the dashboards look right", plan.ErrPaused)
	}
	res := plan.Run(context.Background(), p, unhealthyOn("none"), plan.Options{Observer: show, AfterCanary: pause})
	fmt.Println("paused:", res.Paused, "rolled back:", res.Rollback != nil)
	fmt.Println(res.Err())
	// Output:
	// web1 activate: pending -> active (canary wave 1/3: 1 of 3 changing hosts; maxUnavailable=1)
	// web1 activate: active -> done (activated v2)
	// canary [web1] passed its gate; waiting for a human
	// web2 activate: pending -> not-started (not started: paused after the canary)
	// web3 activate: pending -> not-started (not started: paused after the canary)
	// paused: true rolled back: false
	// after the canary: paused: resume when the dashboards look right
}

// cutoverFailsOn is a Host on which the cutover of the named host fails.
type cutoverFailsOn string

func (c cutoverFailsOn) Apply(_ context.Context, s plan.Step) error {
	if s.Kind == plan.StepCutover && s.Host == string(c) {
		return errors.New("load balancer refused the registration")
	}
	return nil
}

func ExampleRun_blueGreen() {
	var targets []plan.Target
	for _, h := range []string{"web1", "web2", "web3"} {
		targets = append(targets, plan.Target{Host: h, From: "v1", To: "v2", Surge: true})
	}
	p, err := plan.Compute(plan.KindRollout, targets, plan.Strategy{MaxSurge: plan.IntOrPercent{Value: 1}, Kind: plan.StrategyBlueGreen})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Hosts[0].Reason)
	// Every host prepared (one at a time), all cut over at once, web2's
	// cutover failed: the cutover is undone everywhere.
	res := plan.Run(context.Background(), p, cutoverFailsOn("web2"), plan.Options{})
	for _, h := range res.Hosts {
		fmt.Println(h.Host, h.State, h.LastStep)
	}
	fmt.Println(res.Err())
	// Output:
	// blue/green prepare wave 1/3: maxSurge=1; then one cutover for all 3 hosts
	// web1 rolled-back cutover
	// web2 rolled-back cutover
	// web3 rolled-back cutover
	// failure budget exceeded: 1 failed
	// host web2: cutover: load balancer refused the registration
}
