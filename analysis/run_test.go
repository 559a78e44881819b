package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// answer is one scripted reply of the fake Prometheus.
type answer struct {
	v   float64
	no  bool // empty result
	err error
}

// script answers each query in turn from its metric's list (the query
// text is the metric's name), repeating the last answer when it runs out.
type script struct {
	mu      sync.Mutex
	answers map[string][]answer
	calls   map[string]int
}

func newScript(answers map[string][]answer) *script {
	return &script{answers: answers, calls: map[string]int{}}
}

func (s *script) Query(_ context.Context, promql string, _ time.Time) (Sample, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	as := s.answers[promql]
	i := min(s.calls[promql], len(as)-1)
	s.calls[promql]++
	a := as[i]
	if a.err != nil {
		return Sample{}, a.err
	}
	return Sample{Value: a.v, HasData: !a.no}, nil
}

func metric(name, cond string, count, limit int) Metric {
	return Metric{Name: name, Query: name, Condition: cond, Interval: 10 * time.Second, Count: count, FailureLimit: limit}
}

// runSpec runs spec in a synctest bubble and returns the result, the
// measurements the observer saw, how long the run took and the error.
func runSpec(t *testing.T, spec Spec, answers map[string][]answer) (Result, []Measurement, time.Duration, error) {
	t.Helper()
	var (
		res     Result
		err     error
		seen    []Measurement
		elapsed time.Duration
	)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		res, err = Run(t.Context(), newScript(answers), spec, SampleVars, SystemClock{}, func(m Measurement) { seen = append(seen, m) })
		elapsed = time.Since(start)
	})
	return res, seen, elapsed, err
}

func TestRun_Successful(t *testing.T) {
	a, b := metric("error_rate", "< 0.01", 3, 0), metric("latency", "<= 300ms", 2, 0)
	a.InitialDelay = 5 * time.Second
	b.Interval = 20 * time.Second
	res, seen, elapsed, err := runSpec(t, Spec{Metrics: []Metric{a, b}}, map[string][]answer{
		"error_rate": {{v: 0.001}}, "latency": {{v: 0.25}},
	})
	if err != nil || res.Verdict != Successful {
		t.Fatalf("Run = %s %q, %v", res.Verdict, res.Reason, err)
	}
	if res.Reason != "2 metrics passed: error_rate 3/3, latency 2/2" {
		t.Errorf("Reason = %q", res.Reason)
	}
	if len(seen) != 5 || len(res.Measurements) != 5 {
		t.Errorf("observer saw %d, Result holds %d measurements, want 5", len(seen), len(res.Measurements))
	}
	// error_rate at 5s, 15s, 25s; latency at 0s and 20s.
	if elapsed != 25*time.Second {
		t.Errorf("elapsed %s, want 25s", elapsed)
	}
	gaps := res.Metrics[0].Measurements
	if d := gaps[1].At.Sub(gaps[0].At); d != 10*time.Second {
		t.Errorf("interval %s, want 10s", d)
	}
}

func TestRun_FailsEarlyAndStopsTheOthers(t *testing.T) {
	fast, slow := metric("error_rate", "< 0.01", 3, 0), metric("latency", "<= 300ms", 10, 0)
	slow.Interval = time.Minute
	res, _, elapsed, err := runSpec(t, Spec{Metrics: []Metric{slow, fast}}, map[string][]answer{
		"error_rate": {{v: 0.001}, {v: 0.052}}, "latency": {{v: 0.1}},
	})
	if err != nil || res.Verdict != Failed {
		t.Fatalf("Run = %s, %v", res.Verdict, err)
	}
	if want := "error_rate 0.052 ≥ 0.01 (condition < 0.01): 1 of 3 measurements failed (failure_limit 0)"; res.Reason != want {
		t.Errorf("Reason = %q\nwant %q", res.Reason, want)
	}
	if elapsed != 10*time.Second {
		t.Errorf("elapsed %s, want 10s: the failure must stop the run", elapsed)
	}
	if res.Metrics[0].Verdict != Inconclusive || !strings.Contains(res.Metrics[0].Reason, "stopped") {
		t.Errorf("the stopped metric: %s %q", res.Metrics[0].Verdict, res.Metrics[0].Reason)
	}
}

func TestRun_Verdicts(t *testing.T) {
	badQuery := fmt.Errorf("prometheus: %w: %w", ErrBadQuery, ErrMultipleSeries)
	down := errors.New("connection refused")
	for _, tc := range []struct {
		name    string
		m       Metric
		answers []answer
		want    Verdict
		reason  string
		errors  int
	}{
		{"two of three failed, limit 1", metric("error_rate", "< 0.01", 3, 1),
			[]answer{{v: 0.02}, {v: 0.001}, {v: 0.052}}, Failed,
			"error_rate 0.052 ≥ 0.01 (condition < 0.01): 2 of 3 measurements failed (failure_limit 1)", 0},
		{"one of three failed, limit 1", metric("error_rate", "< 0.01", 3, 1),
			[]answer{{v: 0.02}, {v: 0.001}}, Successful, "", 0},
		{"no data fails by default", metric("error_rate", "< 0.01", 3, 0),
			[]answer{{no: true}}, Failed,
			"error_rate no data (no_data: fail) (condition < 0.01): 1 of 3 measurements failed (failure_limit 0)", 0},
		{"NaN is no data", metric("success", "> 0.99", 2, 0),
			[]answer{{v: math.NaN()}}, Failed, "success no data", 0},
		{"no data inconclusive", withNoData(metric("error_rate", "< 0.01", 3, 0)),
			[]answer{{v: 0.001}, {no: true}}, Inconclusive,
			"error_rate: 2 of 3 measurements had no data (condition < 0.01, no_data: inconclusive, failure_limit 0)", 0},
		{"no data within the limit", withNoData(metric("error_rate", "< 0.01", 3, 1)),
			[]answer{{no: true}, {v: 0.001}}, Successful, "", 0},
		{"errors are retried", metric("error_rate", "< 0.01", 2, 0),
			[]answer{{err: down}, {err: down}, {v: 0.001}}, Successful, "", 2},
		{"three errors in a row", metric("error_rate", "< 0.01", 2, 0),
			[]answer{{v: 0.001}, {err: down}}, Inconclusive,
			"error_rate: the query failed 3 times in a row: connection refused", 3},
		{"a bad query is not retried", metric("error_rate", "< 0.01", 3, 0),
			[]answer{{err: badQuery}}, Inconclusive, "error_rate: prometheus: bad query: query returned more than one series", 1},
		{"greater than", metric("success", ">= 0.99", 2, 0),
			[]answer{{v: 0.98}}, Failed, "success 0.98 < 0.99 (condition >= 0.99)", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _, _, err := runSpec(t, Spec{Metrics: []Metric{tc.m}}, map[string][]answer{tc.m.Name: tc.answers})
			if err != nil || res.Verdict != tc.want || !strings.HasPrefix(res.Reason, tc.reason) {
				t.Errorf("Run = %s %q, %v; want %s %q", res.Verdict, res.Reason, err, tc.want, tc.reason)
			}
			if got := res.Metrics[0].Errors; got != tc.errors {
				t.Errorf("Errors = %d, want %d", got, tc.errors)
			}
		})
	}
}

func withNoData(m Metric) Metric {
	m.NoData = NoDataInconclusive
	return m
}

func TestRun_Interrupted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		go func() { time.Sleep(15 * time.Second); cancel() }()
		res, err := Run(ctx, newScript(map[string][]answer{"error_rate": {{v: 0.001}}}),
			Spec{Metrics: []Metric{metric("error_rate", "< 0.01", 3, 0)}}, SampleVars, SystemClock{}, nil)
		if !errors.Is(err, context.Canceled) || len(res.Measurements) != 2 {
			t.Errorf("Run = %d measurements, %v; want 2 and context.Canceled", len(res.Measurements), err)
		}
	})
}

func TestRun_InvalidSpec(t *testing.T) {
	_, err := Run(t.Context(), newScript(nil), Spec{Metrics: []Metric{{Name: "x"}}}, SampleVars, SystemClock{}, nil)
	if !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("Run = %v, want ErrInvalidSpec", err)
	}
}

// TestRun_RendersVars: the query sent is the template rendered with the
// run's vars.
func TestRun_RendersVars(t *testing.T) {
	var sent string
	q := QuerierFunc(func(_ context.Context, promql string, _ time.Time) (Sample, error) {
		sent = promql
		return Sample{Value: 0, HasData: true}, nil
	})
	m := Metric{Name: "errors", Query: `x{version="{{.Version}}",instance=~"{{.Hosts}}"}`, Condition: "< 1", Count: 1}
	res, err := Run(t.Context(), q, Spec{Metrics: []Metric{m}}, Vars{Version: "v9", Hosts: []string{"a.b"}}, SystemClock{}, nil)
	if err != nil || res.Verdict != Successful || sent != `x{version="v9",instance=~"a\\.b"}` {
		t.Errorf("Run = %s, %v; sent %s", res.Verdict, err, sent)
	}
}

// stepClock is an injected clock on which every wait ends at once,
// moving Now by what was waited.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// TestRun_InjectedClock: Run reads and waits on the clock it is given,
// so a run of minutes takes no time.
func TestRun_InjectedClock(t *testing.T) {
	start := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	clock := &stepClock{now: start}
	m := metric("error_rate", "< 0.01", 3, 0)
	m.InitialDelay, m.Interval = time.Minute, 5*time.Minute
	res, err := Run(t.Context(), newScript(map[string][]answer{"error_rate": {{v: 0}}}), Spec{Metrics: []Metric{m}}, SampleVars, clock, nil)
	if err != nil || res.Verdict != Successful {
		t.Fatalf("Run = %s, %v", res.Verdict, err)
	}
	var at []time.Duration
	for _, meas := range res.Measurements {
		at = append(at, meas.At.Sub(start))
	}
	if want := []time.Duration{time.Minute, 6 * time.Minute, 11 * time.Minute}; fmt.Sprint(at) != fmt.Sprint(want) {
		t.Errorf("measured at %v, want %v", at, want)
	}
}
