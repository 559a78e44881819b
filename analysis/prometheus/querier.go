// Package prometheus is analysis's Querier over Prometheus's HTTP API
// (client_golang's api/prometheus/v1): an instant query per measurement,
// with a per-query timeout and an optional bearer token.
package prometheus

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/analysis"
	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
)

// Config says where Prometheus is and how to ask it.
type Config struct {
	// Address is the base URL, http://host:9090 (analysis.ValidAddress).
	Address string
	// Timeout bounds each query, on the wire and in Prometheus's own
	// evaluation (its timeout parameter); default DefaultTimeout.
	Timeout time.Duration
	// BearerTokenEnv names the environment variable holding a token sent
	// as "Authorization: Bearer"; "" sends none. The token is read once,
	// by New, and never appears in errors or logs.
	BearerTokenEnv string
}

// DefaultTimeout is Config.Timeout's default.
const DefaultTimeout = 10 * time.Second

// ErrNoToken: BearerTokenEnv names a variable that is unset or empty.
var ErrNoToken = errors.New("bearer token variable is unset or empty")

// Querier implements analysis.Querier.
type Querier struct {
	api     v1.API
	timeout time.Duration
}

var _ analysis.Querier = (*Querier)(nil)

// New checks cfg, reads the token and makes the client. It contacts
// nothing.
func New(cfg Config) (*Querier, error) {
	if err := analysis.ValidAddress(cfg.Address); err != nil {
		return nil, fmt.Errorf("prometheus address: %w", err)
	}
	rt := http.DefaultTransport
	if cfg.BearerTokenEnv != "" {
		token := os.Getenv(cfg.BearerTokenEnv)
		if token == "" {
			return nil, fmt.Errorf("prometheus: %w: %s", ErrNoToken, cfg.BearerTokenEnv)
		}
		rt = bearer{token: token, next: rt}
	}
	client, err := api.NewClient(api.Config{Address: cfg.Address, RoundTripper: rt})
	if err != nil {
		return nil, fmt.Errorf("prometheus client: %w", err)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Querier{api: v1.NewAPI(client), timeout: timeout}, nil
}

// Query runs promql as an instant query at at. An error that a retry
// cannot fix (Prometheus's bad_data and execution errors, a result that
// is not one number) wraps analysis.ErrBadQuery.
func (q *Querier) Query(ctx context.Context, promql string, at time.Time) (analysis.Sample, error) {
	ctx, cancel := context.WithTimeout(ctx, q.timeout)
	defer cancel()
	v, warnings, _, err := q.api.Query(ctx, promql, at, v1.WithTimeout(q.timeout))
	if err != nil {
		return analysis.Sample{}, classify(err)
	}
	s, err := sample(v)
	if err != nil {
		return analysis.Sample{}, fmt.Errorf("prometheus: %w", err)
	}
	s.Warnings = warnings
	return s, nil
}

// classify marks the errors Prometheus gives for the query itself, which
// come back the same however often it is sent.
func classify(err error) error {
	var apiErr *v1.Error
	if errors.As(err, &apiErr) && (apiErr.Type == v1.ErrBadData || apiErr.Type == v1.ErrExec) {
		return fmt.Errorf("prometheus: %w: %w", analysis.ErrBadQuery, err)
	}
	return fmt.Errorf("prometheus: %w", err)
}

// bearer adds the token to every request. It clones the request, as a
// RoundTripper must not change the one it is given.
type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

// String names the querier without its token.
func (b bearer) String() string { return "bearer(redacted)" }

// describe lists up to two label sets of a vector, for the error.
func describe(n int, first []string) string {
	more := ""
	if n > len(first) {
		more = ", …"
	}
	return fmt.Sprintf("%d series: %s%s", n, strings.Join(first, ", "), more)
}
