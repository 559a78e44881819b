package analysis

import "errors"

// Sentinels. Callers decide with errors.Is; the messages are for people.
var (
	// ErrInvalidSpec: Validate refused a spec; every *FieldError wraps it.
	ErrInvalidSpec = errors.New("invalid analysis")
	// ErrBadQuery is what a Querier wraps for a query that will fail the
	// same way however often it is sent: Prometheus refused it (bad_data,
	// execution), or its result is not one number (ErrMultipleSeries, a
	// range vector). Run stops measuring that metric at once, with verdict
	// Inconclusive, rather than retrying it.
	ErrBadQuery = errors.New("bad query")
	// ErrMultipleSeries: the query returned more than one series. It wraps
	// ErrBadQuery; the fix is to aggregate (sum, max) in the query.
	ErrMultipleSeries = errors.New("query returned more than one series; aggregate it to one with sum(...) or max(...)")
)

// FieldError is one problem in a spec, named by its field path such as
// "metrics[1].condition". It wraps ErrInvalidSpec and the rule's error.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap exposes ErrInvalidSpec and the rule's own error.
func (e *FieldError) Unwrap() []error { return []error{ErrInvalidSpec, e.Err} }
