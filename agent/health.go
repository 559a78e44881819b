package agent

import (
	"context"
	"errors"
	"sync"
)

// health runs the gate on current and records the verdict: healthy makes
// the version last_good (and a rollback candidate), unhealthy rules it
// out as previous. A cancelled gate (the controller went away) is no
// verdict and records nothing.
func (s *session) health(ctx context.Context, a HealthArgs) (HealthResult, error) {
	if len(s.spec.Health.Checks) == 0 {
		return HealthResult{}, errorf(CodeBadRequest, "health: the spec has no checks")
	}
	cur, err := s.layout.readCurrent()
	if err != nil {
		return HealthResult{}, ioError("health", err)
	}
	if cur == "" {
		return HealthResult{}, errorf(CodeNotFound, "health: no current release")
	}
	if a.Version != "" && a.Version != cur {
		return HealthResult{}, errorf(CodeBadRequest, "health: current is %s, not %s", cur, a.Version)
	}
	res, err := s.runGate(ctx, cur)
	var herr *Error
	result := resultHealthy
	switch {
	case err == nil:
	case errors.As(err, &herr) && herr.Code == CodeUnhealthy:
		result = resultUnhealthy
	default:
		return HealthResult{}, err // cancelled, or the gate could not run: no verdict
	}
	_, serr := s.updateState(func(st *state) { st.record(cur, s.deps.Now().UTC(), result) })
	s.journal(JournalEntry{Op: OpHealth, Version: cur, Result: result}, err)
	s.log.Info("health verdict", keyVersion, cur, "result", result)
	if err != nil {
		return HealthResult{}, err
	}
	return res, serr
}

// runGate probes every Interval until the gate decides. The first round
// runs at once; later ones on ticks. Waiting is select on ctx and the
// ticker, so the session's end interrupts it immediately.
func (s *session) runGate(ctx context.Context, v string) (HealthResult, error) {
	spec := s.spec.Health
	g := newGate(spec, s.deps.Now())
	tick, stop := s.deps.NewTicker(spec.Interval.Std())
	defer stop()
	for {
		results := s.probeAll(ctx, spec)
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
// not stretch the round by the others' timeouts.
func (s *session) probeAll(ctx context.Context, spec HealthSpec) []CheckResult {
	p := prober{units: s.deps.Units, interval: spec.Interval.Std()}
	results := make([]CheckResult, len(spec.Checks))
	var wg sync.WaitGroup
	for i, c := range spec.Checks {
		wg.Go(func() { results[i] = p.probe(ctx, c) })
	}
	wg.Wait()
	return results
}
