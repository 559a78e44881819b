package main

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// durationBuckets resolve 10 ms to 2 s in round steps, so that a latency
// objective ("95% under 300 ms") is one bucket boundary. A broken=slow build
// (+400 ms) lands in le="0.5".
func durationBuckets() []float64 {
	return []float64{.005, .01, .025, .05, .1, .2, .3, .5, .75, 1, 2, 5}
}

// metrics are hello's Prometheus metrics, in a registry of their own: only
// these, no Go runtime or process collectors (a smaller scrape; hello is an
// example, not a profile target).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration prometheus.Observer
	version  string
}

func newMetrics(version string) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hello_requests_total",
			Help: "Requests answered, by status code and hello's version; /healthz and /metrics are not counted.",
		}, []string{"code", "version"}),
		version: version,
	}
	hist := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "hello_request_duration_seconds",
		Help:    "Time to answer a request, by hello's version; /healthz and /metrics are not counted.",
		Buckets: durationBuckets(),
	}, []string{"version"})
	m.reg.MustRegister(m.requests, hist)
	m.duration = hist.WithLabelValues(version)
	// The codes an analysis divides by exist from the start, at 0: a
	// series born at its first increment loses that increment to rate().
	for _, code := range []int{http.StatusOK, http.StatusInternalServerError} {
		m.requests.WithLabelValues(strconv.Itoa(code), version)
	}
	return m
}

// handler serves the metrics in Prometheus' text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// instrument counts and times every request next answers, except the
// operational ones (health checks and scrapes come every second from
// several checkers and would drown the service's own traffic).
func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if operational(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		m.duration.Observe(time.Since(start).Seconds())
		m.requests.WithLabelValues(strconv.Itoa(rec.code), m.version).Inc()
	})
}
