package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// scrape returns GET /metrics of h, in Prometheus' text format.
func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", rec.Code)
	}
	return rec.Body.String()
}

// wantSamples fails for every "name{labels} value" line missing from text.
func wantSamples(t *testing.T, text string, samples ...string) {
	t.Helper()
	lines := strings.Split(text, "\n")
	for _, s := range samples {
		found := false
		for _, l := range lines {
			found = found || l == s
		}
		if !found {
			t.Errorf("metrics lack %q; got:\n%s", s, text)
		}
	}
}

// newTestMux is hello as run builds it, with a broken mode.
func newTestMux(t *testing.T, version, broken string) http.Handler {
	t.Helper()
	m, err := parseMode(broken)
	if err != nil {
		t.Fatal(err)
	}
	return serveMux(slog.New(slog.DiscardHandler), newMetrics(version), m.faults(newHandler(version, "h", m.healthy())))
}

func get(h http.Handler, path string) int {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code
}

func TestMetrics_CountsServiceRequestsOnly(t *testing.T) {
	h := newTestMux(t, "v3", "")
	// Before any request: both codes an error rate needs exist, at 0.
	wantSamples(t, scrape(t, h),
		`hello_requests_total{code="200",version="v3"} 0`,
		`hello_requests_total{code="500",version="v3"} 0`,
		`hello_request_duration_seconds_count{version="v3"} 0`)

	for range 3 {
		get(h, "/")
	}
	get(h, "/nope")
	for range 5 {
		get(h, "/healthz")
		scrape(t, h)
	}
	text := scrape(t, h)
	wantSamples(t, text,
		`hello_requests_total{code="200",version="v3"} 3`,
		`hello_requests_total{code="404",version="v3"} 1`,
		`hello_requests_total{code="500",version="v3"} 0`,
		`hello_request_duration_seconds_count{version="v3"} 4`,
		`hello_request_duration_seconds_bucket{version="v3",le="0.01"} 4`)
	if strings.Contains(text, "go_goroutines") || strings.Contains(text, "process_") {
		t.Errorf("metrics carry runtime collectors; want hello's own only:\n%s", text)
	}
}

// broken=errors fails exactly every 20th request, and never /healthz or
// /metrics, which do not advance the count.
func TestBrokenErrors_EveryTwentiethRequest(t *testing.T) {
	h := newTestMux(t, "v2", "errors")
	var failed []int
	for i := 1; i <= 100; i++ {
		if code := get(h, "/"); code == http.StatusInternalServerError {
			failed = append(failed, i)
		} else if code != http.StatusOK {
			t.Fatalf("request %d: code %d", i, code)
		}
		if code := get(h, "/healthz"); code != http.StatusOK {
			t.Fatalf("healthz after request %d: %d, want 200", i, code)
		}
	}
	if want := []int{20, 40, 60, 80, 100}; !slices.Equal(failed, want) {
		t.Errorf("failed requests %v, want %v", failed, want)
	}
	wantSamples(t, scrape(t, h),
		`hello_requests_total{code="200",version="v2"} 95`,
		`hello_requests_total{code="500",version="v2"} 5`)
}

// broken=slow adds slowDelay to requests, not to /healthz or /metrics, and
// the histogram shows it.
func TestBrokenSlow_DelaysRequestsNotHealth(t *testing.T) {
	h := newTestMux(t, "v2", "slow")
	for _, tc := range []struct {
		path string
		slow bool
	}{{"/", true}, {"/healthz", false}, {"/metrics", false}} {
		start := time.Now()
		if code := get(h, tc.path); code != http.StatusOK {
			t.Errorf("%s: code %d", tc.path, code)
		}
		took := time.Since(start)
		if slow := took >= slowDelay; slow != tc.slow {
			t.Errorf("%s took %s: want delayed by %s = %v", tc.path, took, slowDelay, tc.slow)
		}
	}
	wantSamples(t, scrape(t, h),
		`hello_request_duration_seconds_bucket{version="v2",le="0.3"} 0`,
		`hello_request_duration_seconds_bucket{version="v2",le="0.5"} 1`)
}

func TestWithLatency_ClientHangsUp(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	rec := httptest.NewRecorder()
	start := time.Now()
	withLatency(time.Minute, newHandler("v1", "h", true)).
		ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx))
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("held %s after the client left", d)
	}
	if rec.Body.Len() != 0 {
		t.Errorf("answered %q to a client that left", rec.Body)
	}
}

// The real server (run) with broken=errors: /metrics on the service port
// counts what HAProxy-facing clients saw.
func TestRun_ErrorsModeMetrics(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, done := startRun(t, ctx, "errors")
	client := &http.Client{Timeout: 5 * time.Second}
	codes := map[int]int{}
	for range 40 {
		resp, err := client.Get(url + "/")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		codes[resp.StatusCode]++
	}
	if codes[http.StatusOK] != 38 || codes[http.StatusInternalServerError] != 2 {
		t.Errorf("codes %v, want 38 x 200 and 2 x 500", codes)
	}
	resp, err := client.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q, want Prometheus text format", ct)
	}
	wantSamples(t, string(b),
		`hello_requests_total{code="200",version="dev"} 38`,
		`hello_requests_total{code="500",version="dev"} 2`)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}
