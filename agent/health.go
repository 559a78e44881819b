package agent

import (
	"context"
	"errors"
	"sync"

	"github.com/fleetdeploy/fleet/appspec"
)

// health runs the gate on an instance's current release and records the
// verdict: healthy makes the version last_good (and a rollback
// candidate), unhealthy rules it out as previous. A cancelled gate (the
// controller went away) is no verdict and records nothing.
func (s *session) health(ctx context.Context, a HealthArgs) (HealthResult, error) {
	if err := s.spec.Gate(); err != nil {
		return HealthResult{}, errorf(CodeBadRequest, "health: %w", err)
	}
	inst, err := s.instance(OpHealth, a.Slot)
	if err != nil {
		return HealthResult{}, err
	}
	cur, err := s.version(inst)
	if err != nil {
		return HealthResult{}, ioError("health", err)
	}
	if cur == "" {
		return HealthResult{}, errorf(CodeNotFound, "health: no current release")
	}
	if a.Version != "" && a.Version != cur {
		return HealthResult{}, errorf(CodeBadRequest, "health: current is %s, not %s", cur, a.Version)
	}
	round, err := s.roundFor(ctx, OpHealth, inst)
	if err != nil {
		return HealthResult{}, err
	}
	res, err := s.runGate(ctx, cur, round)
	result, verdict := gateResult(err)
	if !verdict {
		return HealthResult{}, err // cancelled, or the gate could not run: no verdict
	}
	_, serr := s.updateState(func(st *state) { st.record(cur, s.deps.Now().UTC(), result) })
	s.journal(JournalEntry{Op: OpHealth, Slot: a.Slot, Version: cur, Result: result}, err)
	s.log.Info("health verdict", keyVersion, cur, keySlot, a.Slot, "result", result)
	if err != nil {
		return HealthResult{}, err
	}
	return res, serr
}

// gateResult maps the gate's outcome to a journal result; verdict is
// false when the gate ended without judging the release.
func gateResult(err error) (result string, verdict bool) {
	var herr *Error
	switch {
	case err == nil:
		return resultHealthy, true
	case errors.As(err, &herr) && herr.Code == CodeUnhealthy:
		return resultUnhealthy, true
	}
	return "", false
}

// runGate probes every Interval until the gate decides. The first round
// runs at once; later ones on ticks. Waiting is select on ctx and the
// ticker, so the session's end interrupts it immediately.
func (s *session) runGate(ctx context.Context, v string, round func(context.Context) []CheckResult) (HealthResult, error) {
	spec := s.spec.Health
	g := newGate(spec, s.deps.Now())
	tick, stop := s.deps.NewTicker(spec.Interval.Std())
	defer stop()
	for {
		results := round(ctx)
		if err := ctx.Err(); err != nil {
			return HealthResult{}, err
		}
		p, verdict := g.observe(s.deps.Now(), results)
		ev := Event{Kind: EventHealth, Message: p.summary(spec.MinHealthyTime), Health: &p}
		if err := s.emit(ev); err != nil {
			return HealthResult{}, err
		}
		switch verdict {
		case gateHealthy:
			return HealthResult{Version: v, Rounds: p.Round, HealthyFor: p.HealthyFor}, nil
		case gateUnhealthy:
			return HealthResult{}, errorf(CodeUnhealthy, "health %s: %s", v, g.failure())
		}
		select {
		case <-ctx.Done():
			return HealthResult{}, ctx.Err()
		case <-tick:
		}
	}
}

// probeAll runs one round, all checks concurrently so a slow check does
// not stretch the round by the others' timeouts. extra are checks that
// are not in the spec (the Consul gate).
func (s *session) probeAll(ctx context.Context, spec appspec.Health, extra ...func(context.Context) CheckResult) []CheckResult {
	p := prober{units: s.deps.Units, interval: spec.Interval.Std(), dial: s.deps.Dial}
	results := make([]CheckResult, len(spec.Checks)+len(extra))
	var wg sync.WaitGroup
	for i, c := range spec.Checks {
		wg.Go(func() { results[i] = p.probe(ctx, c) })
	}
	for i, fn := range extra {
		wg.Go(func() { results[len(spec.Checks)+i] = fn(ctx) })
	}
	wg.Wait()
	return results
}
