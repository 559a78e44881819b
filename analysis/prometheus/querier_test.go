package prometheus

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/analysis"
)

const token = "s3cret-t0ken-value"

// fakePrometheus serves /api/v1/query: the body for each query text, and
// records the last request's form and Authorization header.
type fakePrometheus struct {
	mu                sync.Mutex
	auth, timeout, at string
}

func (f *fakePrometheus) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/v1/query" || r.ParseForm() != nil {
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	f.auth, f.timeout, f.at = r.Header.Get("Authorization"), r.Form.Get("timeout"), r.Form.Get("time")
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	reply := func(code int, body string) {
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
	vector := func(results string) string {
		return `{"status":"success","data":{"resultType":"vector","result":[` + results + `]}}`
	}
	switch q := r.Form.Get("query"); q {
	case "one":
		reply(200, vector(`{"metric":{},"value":[1700000000,"0.052"]}`))
	case "empty":
		reply(200, vector(``))
	case "nan":
		reply(200, vector(`{"metric":{},"value":[1700000000,"NaN"]}`))
	case "two":
		reply(200, vector(`{"metric":{"instance":"a"},"value":[1,"1"]},{"metric":{"instance":"b"},"value":[1,"2"]}`))
	case "scalar":
		reply(200, `{"status":"success","data":{"resultType":"scalar","result":[1700000000,"3"]}}`)
	case "matrix":
		reply(200, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"]]}]}}`)
	case "warned":
		reply(200, `{"status":"success","warnings":["results truncated"],"data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1"]}]}}`)
	case "bad":
		reply(422, `{"status":"error","errorType":"execution","error":"many-to-many matching not allowed"}`)
	case "syntax":
		reply(400, `{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected end of input"}`)
	case "down":
		reply(503, "Service Unavailable")
	case "slow":
		time.Sleep(time.Second)
		reply(200, vector(``))
	default:
		reply(400, `{"status":"error","errorType":"bad_data","error":"unknown test query"}`)
	}
}

func newFake(t *testing.T, timeout time.Duration) (*Querier, *fakePrometheus) {
	t.Helper()
	f := &fakePrometheus{}
	srv := httptest.NewServer(f) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	t.Setenv("FLEET_TEST_PROM_TOKEN", token)
	q, err := New(Config{Address: srv.URL, Timeout: timeout, BearerTokenEnv: "FLEET_TEST_PROM_TOKEN"})
	if err != nil {
		t.Fatal(err)
	}
	return q, f
}

func TestQuery_Results(t *testing.T) {
	q, f := newFake(t, 2*time.Second)
	at := time.Unix(1700000000, 0)
	for _, tc := range []struct {
		query string
		want  analysis.Sample
	}{
		{"one", analysis.Sample{Value: 0.052, HasData: true}},
		{"empty", analysis.Sample{}},
		{"scalar", analysis.Sample{Value: 3, HasData: true}},
		{"warned", analysis.Sample{Value: 1, HasData: true, Warnings: []string{"results truncated"}}},
	} {
		got, err := q.Query(t.Context(), tc.query, at)
		if err != nil || got.Value != tc.want.Value || got.HasData != tc.want.HasData || strings.Join(got.Warnings, ",") != strings.Join(tc.want.Warnings, ",") {
			t.Errorf("Query(%s) = %+v, %v; want %+v", tc.query, got, err, tc.want)
		}
	}
	f.mu.Lock()
	auth, timeout, when := f.auth, f.timeout, f.at
	f.mu.Unlock()
	if auth != "Bearer "+token || timeout != "2s" || when != "1700000000" {
		t.Errorf("request: auth %q timeout %q time %q", auth, timeout, when)
	}
	got, err := q.Query(t.Context(), "nan", at)
	if err != nil || !got.HasData || !math.IsNaN(got.Value) || analysis.Evaluate(got, analysis.Condition{Op: analysis.Less, Threshold: 1}) != analysis.NoData {
		t.Errorf("Query(nan) = %+v, %v; want NaN data that evaluates to no data", got, err)
	}
}

func TestQuery_Errors(t *testing.T) {
	q, _ := newFake(t, 200*time.Millisecond)
	for _, tc := range []struct {
		query    string
		badQuery bool
		want     string
	}{
		{"two", true, `more than one series; aggregate it to one with sum(...) or max(...) (2 series: {instance="a"}, {instance="b"})`},
		{"matrix", true, "range vector"},
		{"bad", true, "execution: many-to-many matching not allowed"},
		{"syntax", true, "bad_data: 1:5: parse error"},
		{"down", false, "server_error: server error: 503"},
		{"slow", false, "context deadline exceeded"},
	} {
		_, err := q.Query(t.Context(), tc.query, time.Now())
		if err == nil || errors.Is(err, analysis.ErrBadQuery) != tc.badQuery || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Query(%s) = %v; want ErrBadQuery=%v and %q", tc.query, err, tc.badQuery, tc.want)
			continue
		}
		if strings.Contains(err.Error(), token) {
			t.Errorf("Query(%s) error holds the token: %v", tc.query, err)
		}
	}
	if _, err := q.Query(t.Context(), "two", time.Now()); !errors.Is(err, analysis.ErrMultipleSeries) {
		t.Errorf("two series: %v, want ErrMultipleSeries", err)
	}
}

func TestQuery_Unreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // nothing listens there any more
	q, err := New(Config{Address: addr, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = q.Query(t.Context(), "one", time.Now())
	if err == nil || errors.Is(err, analysis.ErrBadQuery) || !strings.HasPrefix(err.Error(), "prometheus: ") {
		t.Errorf("Query against nothing = %v, want a retryable prometheus error", err)
	}
}

func TestNew_Refused(t *testing.T) {
	t.Setenv("FLEET_TEST_EMPTY", "")
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Address: "127.0.0.1:9090"}, "prometheus address: must be a URL"},
		{Config{Address: "tcp://h:9090"}, "prometheus address: must start with http"},
		{Config{Address: "http://h:9090", BearerTokenEnv: "FLEET_TEST_EMPTY"}, "bearer token variable is unset or empty: FLEET_TEST_EMPTY"},
	} {
		_, err := New(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want %q", tc.cfg, err, tc.want)
		}
	}
}
