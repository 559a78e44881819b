package analysis

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Verdict is how an analysis, or one of its metrics, ended.
type Verdict string

// The verdicts, as Argo Rollouts names them.
const (
	Successful   Verdict = "successful"   // every measurement that counts was good enough
	Failed       Verdict = "failed"       // more than failure_limit measurements failed: roll back
	Inconclusive Verdict = "inconclusive" // fleet could not judge (no data, Prometheus unreachable, a bad query): a person decides
)

// Measurement is one query of one metric, as reported to the observer.
type Measurement struct {
	Metric    string
	Query     string // as sent, rendered
	Condition string // as written
	At        time.Time
	Value     float64 // meaningful for Pass and Fail
	Outcome   Outcome
	Err       error    // for Error
	Warnings  []string // Prometheus's warnings, if any
}

// MetricResult is one metric's measurements and verdict.
type MetricResult struct {
	Name         string
	Verdict      Verdict
	Reason       string
	Measurements []Measurement
	// Counted measurements (errors are retried, not counted).
	Passed, Failed, NoData, Errors int
}

// Result is an analysis's verdict, with a one-line Reason naming the
// deciding metric, its value and its condition.
type Result struct {
	Verdict      Verdict
	Reason       string
	Metrics      []MetricResult // in spec order
	Measurements []Measurement  // every metric's, in the order they were taken
}

// LogValue gives one summary line.
func (r Result) LogValue() slog.Value {
	return slog.GroupValue(slog.String("verdict", string(r.Verdict)), slog.String("reason", r.Reason),
		slog.Int("measurements", len(r.Measurements)))
}

// formatValue prints a measured value short: 0.052, 1.5e-05.
func formatValue(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// failReason words a failed metric: "error_rate 0.052 ≥ 0.01 (condition
// < 0.01): 2 of 3 measurements failed (failure_limit 1)".
func failReason(m compiled, last Measurement, failed int) string {
	what := "no data (no_data: fail)"
	if last.Outcome == Fail {
		what = formatValue(last.Value) + " " + m.cond.negation() + " " + formatValue(m.cond.Threshold)
	}
	return fmt.Sprintf("%s %s (condition %s): %d of %d measurements failed (failure_limit %d)",
		m.Name, what, m.cond, failed, m.Count, m.FailureLimit)
}

// overall combines the metrics' verdicts: any failure fails the
// analysis, else any inconclusive metric makes it inconclusive.
// firstFailure is the reason of the metric that failed first, which
// stopped the others.
func overall(ms []MetricResult, firstFailure string) (Verdict, string) {
	for _, v := range []Verdict{Failed, Inconclusive} {
		for _, m := range ms {
			if m.Verdict != v {
				continue
			}
			if v == Failed && firstFailure != "" {
				return v, firstFailure
			}
			return v, m.Reason
		}
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = fmt.Sprintf("%s %d/%d", m.Name, m.Passed, m.Passed+m.Failed+m.NoData)
	}
	return Successful, fmt.Sprintf("%d metrics passed: %s", len(ms), strings.Join(parts, ", "))
}
