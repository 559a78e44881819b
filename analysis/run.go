package analysis

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// MaxConsecutiveErrors is how many query errors in a row end a metric
// Inconclusive. An error is retried at the next interval and does not
// use up one of Count's measurements, so a blip of Prometheus costs
// time, not a verdict.
const MaxConsecutiveErrors = 3

// compiled is a metric with its defaults, its parsed condition and its
// query rendered for this run.
type compiled struct {
	Metric
	cond   Condition
	promql string
}

// run is one call of Run: what every metric's goroutine shares.
type run struct {
	q       Querier
	clock   Clock
	observe func(Measurement)
	stop    context.CancelFunc // ends the other metrics once one fails

	mu           sync.Mutex
	measurements []Measurement
	firstFailure string
}

// Run measures every metric of spec concurrently, each with its own
// InitialDelay, Interval and Count, and returns the verdict. The
// query templates are rendered once with vars. observe (may be nil) is
// called with each measurement as it is taken, one call at a time.
//
// As soon as one metric fails (more than FailureLimit failed
// measurements) Run stops the others and returns Failed, so a rollback
// starts without waiting for the rest of the analysis. The error is
// non-nil only when spec is invalid or ctx ended first; the Result then
// holds what was measured so far.
func Run(ctx context.Context, q Querier, spec Spec, vars Vars, clock Clock, observe func(Measurement)) (Result, error) {
	ms, err := compile(spec, vars)
	if err != nil {
		return Result{}, err
	}
	inner, stop := context.WithCancel(ctx)
	defer stop()
	r := &run{q: q, clock: clock, observe: observe, stop: stop}
	results := make([]MetricResult, len(ms))
	var wg sync.WaitGroup
	for i, m := range ms {
		wg.Go(func() { results[i] = r.metric(inner, m) })
	}
	wg.Wait()
	res := Result{Metrics: results, Measurements: r.measurements}
	res.Verdict, res.Reason = overall(results, r.firstFailure)
	if ctx.Err() != nil && res.Verdict != Failed {
		return res, fmt.Errorf("analysis interrupted: %w", context.Cause(ctx))
	}
	return res, nil
}

// compile validates spec and renders its queries with vars.
func compile(spec Spec, vars Vars) ([]compiled, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	out := make([]compiled, len(spec.Metrics))
	for i, m := range spec.Metrics {
		m = m.WithDefaults()
		cond, _ := ParseCondition(m.Condition) // Validate parsed both already
		query, _ := ParseQuery(m.Query)
		promql, err := query.Render(vars)
		if err != nil {
			return nil, &FieldError{Field: fmt.Sprintf("metrics[%d].query", i), Err: err}
		}
		out[i] = compiled{Metric: m, cond: cond, promql: promql}
	}
	return out, nil
}

// metric takes one metric's measurements until it has Count of them, it
// fails, it cannot be judged, or ctx ends.
func (r *run) metric(ctx context.Context, m compiled) MetricResult {
	res := MetricResult{Name: m.Name}
	delay, errs := m.InitialDelay, 0
	for res.Passed+res.Failed+res.NoData < m.Count {
		if !wait(ctx, r.clock, delay) {
			return stopped(res)
		}
		delay = m.Interval
		meas, ok := r.measure(ctx, m)
		if !ok {
			return stopped(res)
		}
		res.Measurements = append(res.Measurements, meas)
		if done := tally(&res, m, meas, &errs); done {
			break
		}
	}
	if res.Verdict == "" {
		res.Verdict, res.Reason = judge(res, m)
	}
	if res.Verdict == Failed {
		r.failed(res.Reason)
	}
	return res
}

// measure takes one measurement and reports it; ok is false when ctx
// ended while the query ran, which is no measurement at all.
func (r *run) measure(ctx context.Context, m compiled) (Measurement, bool) {
	at := r.clock.Now()
	s, err := r.q.Query(ctx, m.promql, at)
	if ctx.Err() != nil {
		return Measurement{}, false
	}
	meas := Measurement{Metric: m.Name, Query: m.promql, Condition: m.cond.String(), At: at,
		Value: s.Value, Warnings: s.Warnings, Outcome: Evaluate(s, m.cond)}
	if err != nil {
		meas.Outcome, meas.Err, meas.Value = Error, err, 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.measurements = append(r.measurements, meas)
	if r.observe != nil {
		r.observe(meas)
	}
	return meas, true
}

// tally counts meas into res and reports whether the metric is decided
// early: failed (more than FailureLimit failures), or Inconclusive
// because its query cannot be run (a bad query, or too many errors in a
// row). errs counts the errors in a row.
func tally(res *MetricResult, m compiled, meas Measurement, errs *int) (done bool) {
	if meas.Outcome == Error {
		res.Errors++
		*errs++
		switch {
		case errors.Is(meas.Err, ErrBadQuery):
			res.Verdict, res.Reason = Inconclusive, fmt.Sprintf("%s: %v", m.Name, meas.Err)
		case *errs >= MaxConsecutiveErrors:
			res.Verdict, res.Reason = Inconclusive, fmt.Sprintf("%s: the query failed %d times in a row: %v", m.Name, *errs, meas.Err)
		}
		return res.Verdict != ""
	}
	*errs = 0
	switch {
	case meas.Outcome == Pass:
		res.Passed++
	case meas.Outcome == Fail, m.NoData == NoDataFail:
		res.Failed++
	default:
		res.NoData++
	}
	if res.Failed > m.FailureLimit {
		res.Verdict, res.Reason = Failed, failReason(m, meas, res.Failed)
		return true
	}
	return false
}

// judge decides a metric that took all its measurements: too many that
// were not good, though not too many failures, leave it Inconclusive.
func judge(res MetricResult, m compiled) (Verdict, string) {
	if res.Failed+res.NoData > m.FailureLimit {
		return Inconclusive, fmt.Sprintf("%s: %d of %d measurements had no data (condition %s, no_data: inconclusive, failure_limit %d)",
			m.Name, res.NoData, m.Count, m.cond, m.FailureLimit)
	}
	return Successful, fmt.Sprintf("%s: %d of %d measurements passed (condition %s)", m.Name, res.Passed, m.Count, m.cond)
}

// stopped is the result of a metric cut short by another's failure or
// by the caller: it was not judged.
func stopped(res MetricResult) MetricResult {
	res.Verdict, res.Reason = Inconclusive, res.Name+": stopped before its measurements were complete"
	return res
}

// failed records the first failure and stops the other metrics.
func (r *run) failed(reason string) {
	r.mu.Lock()
	if r.firstFailure == "" {
		r.firstFailure = reason
	}
	r.mu.Unlock()
	r.stop()
}
