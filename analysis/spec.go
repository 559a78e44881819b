package analysis

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Spec is one analysis: metrics measured side by side. It fails as soon
// as any metric fails.
type Spec struct {
	Metrics []Metric
}

// Metric is one query measured Count times, Interval apart, after
// InitialDelay. Query and Condition are kept as written; Validate parses
// them.
type Metric struct {
	Name      string
	Query     string // PromQL as a text/template over Vars
	Condition string // when a value is good: "< 0.01", "<= 300ms"
	// Interval is the time between two measurements; default 30s.
	Interval time.Duration
	// Count is how many measurements are taken; default 3.
	Count int
	// FailureLimit is how many measurements may fail; one more fails the
	// metric. Default 0: the first failed measurement fails it. It must
	// be below Count, or the metric could never fail.
	FailureLimit int
	// NoData is what an empty result or NaN counts as; default NoDataFail.
	NoData NoDataPolicy
	// InitialDelay is waited before the first measurement; default 0.
	// Set it to at least the query's range window ([30s]) so the first
	// measurement sees the new version only.
	InitialDelay time.Duration
}

// NoDataPolicy says what a measurement without data counts as.
type NoDataPolicy string

const (
	// NoDataFail counts it as a failed measurement: a release that stops
	// serving (and so stops producing the series) must not pass.
	NoDataFail NoDataPolicy = "fail"
	// NoDataInconclusive counts it as neither good nor failed; see Run
	// for what that does to the verdict. For canaries whose share of
	// traffic is too small to produce data in every window.
	NoDataInconclusive NoDataPolicy = "inconclusive"
)

// Defaults, documented on Metric.
const (
	DefaultInterval = 30 * time.Second
	DefaultCount    = 3
	// MinInterval: Prometheus scrapes every few seconds at best, so
	// measuring more often only repeats a value.
	MinInterval = time.Second
	// MaxCount bounds one metric's measurements (and its Result).
	MaxCount = 1000
	maxName  = 64
)

// WithDefaults returns m with every zero field given its default.
func (m Metric) WithDefaults() Metric {
	if m.Interval == 0 {
		m.Interval = DefaultInterval
	}
	if m.Count == 0 {
		m.Count = DefaultCount
	}
	if m.NoData == "" {
		m.NoData = NoDataFail
	}
	return m
}

// Validate checks every metric (after WithDefaults) and that names are
// unique. Every problem is reported, each a *FieldError wrapping
// ErrInvalidSpec and named by its path ("metrics[1].condition").
func (s Spec) Validate() error {
	if len(s.Metrics) == 0 {
		return &FieldError{Field: "metrics", Err: errors.New("must list at least one metric")}
	}
	var errs []error
	seen := map[string]int{}
	for i, m := range s.Metrics {
		at := "metrics[" + strconv.Itoa(i) + "]"
		for _, e := range m.WithDefaults().problems() {
			errs = append(errs, &FieldError{Field: at + "." + e.Field, Err: e.Err})
		}
		if j, dup := seen[m.Name]; dup && m.Name != "" {
			errs = append(errs, &FieldError{Field: at + ".name", Err: fmt.Errorf("duplicate metric %s (also metrics[%d])", m.Name, j)})
		}
		seen[m.Name] = i
	}
	return errors.Join(errs...)
}

// problems lists what is wrong with m, each with its field's name.
func (m Metric) problems() []FieldError {
	var out []FieldError
	add := func(field string, err error) {
		if err != nil {
			out = append(out, FieldError{Field: field, Err: err})
		}
	}
	add("name", ValidName(m.Name))
	_, err := ParseQuery(m.Query)
	add("query", err)
	_, err = ParseCondition(m.Condition)
	add("condition", err)
	add("interval", ValidInterval(m.Interval))
	add("count", ValidCount(m.Count))
	add("failure_limit", ValidFailureLimit(m.FailureLimit, m.Count))
	_, err = ParseNoData(string(m.NoData))
	add("no_data", err)
	if m.InitialDelay < 0 {
		add("initial_delay", errors.New("must not be negative"))
	}
	return out
}

// ValidName accepts a metric name: 1 to 64 letters, digits, '_', '-'
// and '.', as it appears in events and reasons.
func ValidName(s string) error {
	if s == "" {
		return errors.New("is required")
	}
	if len(s) > maxName {
		return fmt.Errorf("is longer than %d bytes", maxName)
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return fmt.Errorf("must hold only letters, digits, '_', '-' and '.', not %q", r)
		}
	}
	return nil
}

// ValidInterval accepts an interval of at least MinInterval.
func ValidInterval(d time.Duration) error {
	if d < MinInterval {
		return fmt.Errorf("must be at least %s, got %s", MinInterval, d)
	}
	return nil
}

// ValidCount accepts 1 to MaxCount measurements.
func ValidCount(n int) error {
	if n < 1 || n > MaxCount {
		return fmt.Errorf("must be between 1 and %d, got %d", MaxCount, n)
	}
	return nil
}

// ValidFailureLimit accepts 0 ≤ limit < count: with limit ≥ count no
// run of measurements could fail the metric.
func ValidFailureLimit(limit, count int) error {
	switch {
	case limit < 0:
		return fmt.Errorf("must not be negative, got %d", limit)
	case limit >= count:
		return fmt.Errorf("is %d with count %d, so the metric could never fail; it must be below count", limit, count)
	}
	return nil
}

// ParseNoData accepts "fail" and "inconclusive".
func ParseNoData(s string) (NoDataPolicy, error) {
	switch p := NoDataPolicy(s); p {
	case NoDataFail, NoDataInconclusive:
		return p, nil
	}
	return "", fmt.Errorf("must be %s or %s, got %q", NoDataFail, NoDataInconclusive, s)
}
