package plan_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/fleetdeploy/fleet/plan"
)

// phases lists each step as "kind host", sorted within each run of the
// same kind: steps of one phase start together and reach Apply in any
// order.
func phases(steps []plan.Step) []string {
	var out []string
	start := 0
	for i := range steps {
		out = append(out, string(steps[i].Kind)+" "+steps[i].Host)
		if i+1 == len(steps) || steps[i+1].Kind != steps[i].Kind {
			slices.Sort(out[start:])
			start = i + 1
		}
	}
	return out
}

// failStep fails the step of kind on the named hosts.
func failStep(kind plan.StepKind, hosts ...string) func(plan.Step) error {
	return func(s plan.Step) error {
		if s.Kind == kind && slices.Contains(hosts, s.Host) {
			return errUnhealthy
		}
		return nil
	}
}

func TestRun_BlueGreen(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		targets := allSlotted(fleet(4))
		targets[3].From = "v2" // h03 skipped
		p := mustCompute(t, targets, plan.Strategy{MaxSurge: num(2), Kind: plan.StrategyBlueGreen})
		g := &gateHost{}
		rec := &recorder{}
		result := started(t.Context(), p, g, plan.Options{Observer: rec.observe})
		synctest.Wait()
		assertInFlight(t, g, "h00", "h01") // prepares, maxSurge at a time
		g.finishHost(t, "h00", nil)
		synctest.Wait()
		assertInFlight(t, g, "h01", "h02")
		g.finishHost(t, "h02", nil)
		synctest.Wait()
		assertInFlight(t, g, "h01") // no cutover until every prepare passed
		g.finishHost(t, "h01", nil)
		synctest.Wait()
		assertInFlight(t, g, "h00", "h01", "h02") // one cutover for all
		for _, c := range g.pending() {
			if c.step.Kind != plan.StepCutover || c.step.Mode != plan.ModeSurge || c.step.From != "v1" || c.step.To != "v2" {
				t.Fatalf("step %+v, want a surge cutover v1 -> v2", c.step)
			}
		}
		for _, h := range []string{"h02", "h00", "h01"} {
			g.finishHost(t, h, nil)
		}
		synctest.Wait()
		assertInFlight(t, g, "h00", "h01", "h02") // retire, all at once
		for _, h := range []string{"h00", "h01", "h02"} {
			g.finishHost(t, h, nil)
		}
		res := <-result
		assertStates(t, res, done, done, done, skip)
		if res.Err() != nil || res.Halted || res.Rollback != nil {
			t.Fatalf("err %v, halted %v, rollback %v", res.Err(), res.Halted, res.Rollback)
		}
		var h00 []string
		for _, ev := range rec.all() {
			if ev.Host == "h00" {
				h00 = append(h00, string(ev.Kind)+": "+string(ev.From)+" -> "+string(ev.To)+" ("+ev.Reason+")")
			}
		}
		want := []string{
			"prepare: pending -> active (blue/green prepare wave 1/2: maxSurge=2; then one cutover for all 3 hosts)",
			"prepare: active -> prepared (prepared v2 beside v1)",
			"cutover: prepared -> active (blue/green cutover: all 3 hosts at once, every prepare passed)",
			"cutover: active -> switched (serving v2)",
			"retire: switched -> active (blue/green retire v1: every host cut over)",
			"retire: active -> done (retired v1)",
		}
		if !slices.Equal(h00, want) {
			t.Errorf("h00's events:\n%s\nwant:\n%s", strings.Join(h00, "\n"), strings.Join(want, "\n"))
		}
	})
}

// A failed prepare stops new prepares and discards every host that
// started preparing, the failed one included; traffic never moved.
func TestRun_BlueGreenPrepareFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, allSlotted(fleet(5)), plan.Strategy{MaxSurge: num(2), Kind: plan.StrategyBlueGreen})
		res, g := drive(t, t.Context(), p, plan.Options{}, failStep(plan.StepPrepare, "h02"))
		want := []string{
			"prepare h00", "prepare h01", "prepare h02", "prepare h03",
			"discard h00", "discard h01", "discard h02", "discard h03",
		}
		if got := phases(g.steps()); !slices.Equal(got, want) {
			t.Fatalf("steps %v, want %v", got, want)
		}
		assertStates(t, res, reverted, reverted, reverted, reverted, notRun)
		for _, s := range g.steps() {
			if s.Kind == plan.StepDiscard && (s.From != "v2" || s.To != "v1" || !strings.Contains(s.Reason, "no traffic had moved")) {
				t.Errorf("discard step %+v", s)
			}
		}
		err := res.Err()
		if !res.Halted || res.Rollback == nil || !errors.Is(err, plan.ErrBudgetExceeded) || !strings.Contains(err.Error(), "host h02: prepare: unhealthy") {
			t.Errorf("halted %v, rollback %v, Err() = %v", res.Halted, res.Rollback, err)
		}
		if res.Rollback.Err() != nil || len(res.Rollback.Hosts) != 4 {
			t.Errorf("discard result %+v", res.Rollback)
		}
	})
}

// A failed cutover is undone on every host, and nothing is retired.
func TestRun_BlueGreenCutoverFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, allSlotted(fleet(3)), plan.Strategy{MaxSurge: num(3), Kind: plan.StrategyBlueGreen})
		res, g := drive(t, t.Context(), p, plan.Options{}, failStep(plan.StepCutover, "h01"))
		want := []string{
			"prepare h00", "prepare h01", "prepare h02",
			"cutover h00", "cutover h01", "cutover h02",
			"uncut h00", "uncut h01", "uncut h02",
		}
		if got := phases(g.steps()); !slices.Equal(got, want) {
			t.Fatalf("steps %v, want %v", got, want)
		}
		assertStates(t, res, reverted, reverted, reverted)
		if err := res.Err(); !res.Halted || !strings.Contains(err.Error(), "host h01: cutover: unhealthy") {
			t.Errorf("halted %v, Err() = %v", res.Halted, err)
		}
	})
}

// A failed retire is reported, but the fleet already serves the new
// version: the host is Done with its error, and nothing is undone.
func TestRun_BlueGreenRetireFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, allSlotted(fleet(2)), plan.Strategy{MaxSurge: num(1), Kind: plan.StrategyBlueGreen})
		rec := &recorder{}
		res, _ := drive(t, t.Context(), p, plan.Options{Observer: rec.observe}, failStep(plan.StepRetire, "h01"))
		assertStates(t, res, done, done)
		h := res.Hosts[1]
		if !errors.Is(h.Err, errUnhealthy) || h.LastStep != plan.StepRetire || res.Halted || res.Rollback != nil {
			t.Fatalf("h01 %+v, halted %v, rollback %v", h, res.Halted, res.Rollback)
		}
		var he *plan.HostError
		if err := res.Err(); !errors.As(err, &he) || he.Host != "h01" || he.Op != "retire" || errors.Is(err, plan.ErrBudgetExceeded) {
			t.Errorf("Err() = %v, want only h01's retire", err)
		}
		evs := rec.all()
		i := slices.IndexFunc(evs, func(ev plan.Event) bool { return ev.Host == "h01" && ev.Kind == plan.StepRetire && ev.To == done })
		if i < 0 || evs[i].Err == nil || evs[i].Reason != "retire v1 failed; the host serves v2" {
			t.Errorf("h01's retire events: %+v", evs)
		}
	})
}

// A failed discard leaves the host RollbackFailed, with the error.
func TestRun_BlueGreenDiscardFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, allSlotted(fleet(2)), plan.Strategy{MaxSurge: num(2), Kind: plan.StrategyBlueGreen})
		errStuck := errors.New("deregister: consul unreachable")
		res, _ := drive(t, t.Context(), p, plan.Options{}, func(s plan.Step) error {
			switch {
			case s.Kind == plan.StepPrepare && s.Host == "h00":
				return errUnhealthy
			case s.Kind == plan.StepDiscard && s.Host == "h01":
				return errStuck
			}
			return nil
		})
		assertStates(t, res, reverted, plan.StateRollbackFailed)
		if err := res.Err(); !errors.Is(err, errStuck) || !strings.Contains(err.Error(), "host h01: discard: deregister") {
			t.Errorf("Err() = %v", err)
		}
	})
}

// Ctrl-C during the prepares: in-flight prepares finish, nothing new
// starts, nothing is cut over or discarded.
func TestRun_BlueGreenInterrupted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := mustCompute(t, allSlotted(fleet(3)), plan.Strategy{MaxSurge: num(2), Kind: plan.StrategyBlueGreen})
		g := &gateHost{}
		ctx, cancel := context.WithCancel(t.Context())
		result := started(ctx, p, g, plan.Options{})
		synctest.Wait()
		cancel()
		g.finishHost(t, "h00", nil)
		g.finishHost(t, "h01", errUnhealthy)
		res := <-result
		assertStates(t, res, plan.StatePrepared, failed, notRun)
		if !res.Interrupted || !res.Halted || res.Rollback != nil || len(g.steps()) != 2 {
			t.Errorf("interrupted %v, halted %v, rollback %v, steps %v", res.Interrupted, res.Halted, res.Rollback, g.steps())
		}
		if got := res.Changed(); !slices.Equal(got, []string{"h00", "h01"}) {
			t.Errorf("Changed() = %v", got)
		}
	})
}
