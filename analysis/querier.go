package analysis

import (
	"context"
	"time"
)

// Querier runs one instant query. analysis/prometheus implements it over
// Prometheus's HTTP API; tests use a func.
type Querier interface {
	// Query evaluates promql at time at. A query whose result is empty
	// returns HasData false and no error. Errors that retrying cannot
	// fix (Prometheus refused the query, more than one series) wrap
	// ErrBadQuery.
	Query(ctx context.Context, promql string, at time.Time) (Sample, error)
}

// QuerierFunc adapts a function to Querier.
type QuerierFunc func(ctx context.Context, promql string, at time.Time) (Sample, error)

// Query calls f.
func (f QuerierFunc) Query(ctx context.Context, promql string, at time.Time) (Sample, error) {
	return f(ctx, promql, at)
}

// Sample is a query's single value. HasData is false for an empty
// result; a NaN Value (0/0 over no requests) is data Evaluate treats as
// none.
type Sample struct {
	Value    float64
	HasData  bool
	Warnings []string // what Prometheus warned about, passed on to the measurement
}

// Clock is the time Run reads and waits on; tests inject their own.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now is time.Now.
func (SystemClock) Now() time.Time { return time.Now() }

// After is time.After.
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// wait returns false when ctx ends before d has passed on c.
func wait(ctx context.Context, c Clock, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	select {
	case <-ctx.Done():
		return false
	case <-c.After(d):
		return true
	}
}
