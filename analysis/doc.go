// Package analysis judges a release by its metrics: between two traffic
// steps of a gray release, fleet queries Prometheus a few times and
// decides whether the canary may take more traffic (Successful), must be
// rolled back (Failed), or cannot be judged (Inconclusive).
//
// # A spec
//
// A Spec lists metrics. Each has a PromQL Query, written as a
// text/template over Vars ({{.Version}}, {{.PreviousVersion}},
// {{.Service}}, {{.Hosts}}, {{.Instances}}, {{.Step}}; a misspelt name is
// an error when the spec is validated, not mid-rollout), and a Condition
// under which a value is good: "< 0.01", "<= 300ms", "> 0.99", ">= 5".
// A duration in a condition is compared in seconds, as Prometheus
// reports them. The query must return one number: an instant vector of
// one series, or a scalar. More than one series is an error
// (ErrMultipleSeries): aggregate with sum(...) or max(...).
//
// # Measuring
//
// Run waits InitialDelay (default 0), then measures every Interval
// (default 30s) until it has Count measurements (default 3); metrics run
// concurrently, each on its own schedule. Each measurement is Pass,
// Fail, NoData (an empty result, or NaN such as 0/0 over no requests) or
// Error (the query failed), and is reported to the observer as it is
// taken.
//
//   - A metric fails once more than FailureLimit (default 0) of its
//     measurements failed. Run then stops every other metric and returns
//     Failed at once: the rollback starts without waiting for the rest.
//     Any metric failing fails the analysis.
//   - NoData counts as a failed measurement with no_data: fail (the
//     default: a release that stops serving stops producing the series,
//     and must not pass), and as neither good nor failed with no_data:
//     inconclusive. A metric with all its measurements taken, not
//     failed, but with more than FailureLimit measurements that were not
//     good, is Inconclusive: failure_limit is how many measurements may
//     be other than good.
//   - A query error (Prometheus unreachable, 503, a timeout) is retried
//     at the next interval and uses up none of Count; after
//     MaxConsecutiveErrors (3) errors in a row the metric is
//     Inconclusive. An error that retrying cannot fix (ErrBadQuery:
//     Prometheus refused the query, or it returned several series) makes
//     it Inconclusive at once. Fleet neither rolls back a release it
//     could not measure nor lets it through: Inconclusive is for a
//     person to decide (fleet promote or fleet rollback).
//
// The analysis is Failed if any metric failed, else Inconclusive if any
// metric was, else Successful. Result.Reason is one line naming the
// deciding metric, its value and condition:
// "error_rate 0.052 ≥ 0.01 (condition < 0.01): 2 of 3 measurements
// failed (failure_limit 1)".
//
// Evaluate and ParseCondition are pure; Run owns the loop, with the
// clock injected so tests need not wait.
//
// # Compared with Argo Rollouts and Flagger
//
// Argo Rollouts' AnalysisTemplate has the same count, interval,
// initialDelay and failureLimit, and the same three outcomes
// (Successful, Failed, Inconclusive). The differences:
//   - Argo takes a success and a failure expression over the result;
//     fleet takes one comparison, and a value is good when it holds.
//   - Argo without count measures once (no interval) or forever (with
//     one); fleet always takes Count measurements, default 3.
//   - Argo counts an empty result or NaN as an error or as what its
//     expression makes of it; fleet makes it NoData with an explicit
//     policy (no_data: fail or inconclusive).
//   - Argo fails a metric after more than consecutiveErrorLimit (default
//     4) errors in a row, aborting the rollout; fleet makes it
//     Inconclusive after 3, pausing it: an unreachable Prometheus is no
//     evidence against the release. Argo's inconclusiveLimit is fleet's
//     failure_limit, which bounds failed and inconclusive measurements
//     alike.
//
// Flagger runs every metric once per analysis interval and rolls back
// when the failed checks reach threshold; its analysis lasts as long as
// its weight steps (stepWeight up to maxWeight), and a query that finds
// no values halts advancement and counts as a failed check. Fleet's
// analysis is its own step with a fixed length (InitialDelay +
// (Count−1) × Interval), between weight steps, so each traffic share is
// judged on its own measurements.
package analysis
