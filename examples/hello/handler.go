package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"
)

// mode is a build-time failure mode used to exercise fleet's health gate and
// rollback. The zero value is a healthy service.
type mode string

const (
	healthyMode   mode = ""
	unhealthyMode mode = "unhealthy" // runs, but /healthz answers 500
	exitMode      mode = "exit"      // exits 1 shortly after start
	flapMode      mode = "flap"      // passes health briefly, then exits 1
	// The two a gray release has to catch by its metrics: /healthz stays
	// healthy, so every health gate passes.
	errorsMode mode = "errors" // every errorEvery-th request answers 500
	slowMode   mode = "slow"   // every request takes slowDelay longer
)

func parseMode(s string) (mode, error) {
	switch m := mode(s); m {
	case healthyMode, unhealthyMode, exitMode, flapMode, errorsMode, slowMode:
		return m, nil
	default:
		return "", fmt.Errorf("unknown broken mode %q (want unhealthy, exit, flap, errors or slow)", s)
	}
}

func (m mode) healthy() bool { return m != unhealthyMode }

// faults wraps next with what the mode does to requests: nothing, except for
// errors and slow.
func (m mode) faults(next http.Handler) http.Handler {
	switch m {
	case errorsMode:
		return withErrors(errorEvery, next)
	case slowMode:
		return withLatency(slowDelay, next)
	default:
		return next
	}
}

// exitAfter reports whether, and how long after start, the process exits.
func (m mode) exitAfter() (time.Duration, bool) {
	switch m {
	case exitMode:
		return exitDelay, true
	case flapMode:
		return flapDelay, true
	default:
		return 0, false
	}
}

type health struct {
	Status  string `json:"status"`
	Version string `json:"version"`
}

// newHandler serves / and /healthz with the default greeting.
func newHandler(version, hostname string, healthy bool) http.Handler {
	return newGreetingHandler(version, hostname, defaultGreeting, healthy)
}

// newGreetingHandler serves / ("<greeting> from <version> on <host>") and
// /healthz.
func newGreetingHandler(version, hostname, greeting string, healthy bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		h, code := health{Status: "ok", Version: version}, http.StatusOK
		if !healthy {
			h, code = health{Status: "unhealthy", Version: version}, http.StatusInternalServerError
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(h) // the client hung up: nothing to do
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = fmt.Fprintf(w, "%s from %s on %s\n", greeting, version, hostname)
	})
	return mux
}

// operational reports whether path is one of hello's own endpoints for
// checks and scrapes: never broken, delayed or counted in the metrics.
func operational(path string) bool { return path == "/healthz" || path == "/metrics" }

// withErrors answers 500 to every nth request that is not operational, by
// arrival order: after k such requests exactly k/n have failed. A counter,
// not a random draw, so that tests (and a gray release's analysis over a
// known number of requests) see an exact error count.
func withErrors(n uint64, next http.Handler) http.Handler {
	var seen atomic.Uint64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if operational(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		if k := seen.Add(1); k%n == 0 {
			http.Error(w, fmt.Sprintf("broken build (errors): request %d fails on purpose", k),
				http.StatusInternalServerError)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withLatency holds every request that is not operational for d before
// next answers it. A client that hangs up ends the wait.
func withLatency(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !operational(r.URL.Path) && !hold(r, d) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hold waits d, or until the client hangs up (then it reports false).
func hold(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// withDelay holds every request for / for d before next answers it (not
// /healthz: health checks stay fast). A client that hangs up ends the wait.
func withDelay(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && d > 0 && !hold(r, d) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status code for the request log.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

// logRequests logs one line per request: method, path, remote, status, time.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		log.Info("request", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr,
			"status", rec.code, "duration", time.Since(start))
	})
}
