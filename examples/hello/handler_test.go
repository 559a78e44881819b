package main

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHandler_Healthz(t *testing.T) {
	tests := []struct {
		name       string
		broken     string
		wantCode   int
		wantStatus string
	}{
		{name: "healthy", broken: "", wantCode: http.StatusOK, wantStatus: "ok"},
		{name: "unhealthy", broken: "unhealthy", wantCode: http.StatusInternalServerError, wantStatus: "unhealthy"},
		// exit and flap are healthy while they run; they fail by exiting.
		{name: "exit", broken: "exit", wantCode: http.StatusOK, wantStatus: "ok"},
		{name: "flap", broken: "flap", wantCode: http.StatusOK, wantStatus: "ok"},
		// errors and slow fail only the requests, never the health check.
		{name: "errors", broken: "errors", wantCode: http.StatusOK, wantStatus: "ok"},
		{name: "slow", broken: "slow", wantCode: http.StatusOK, wantStatus: "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parseMode(tt.broken)
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			// 40 checks: more than errors' period, so a check that
			// counted towards it would fail here.
			h := m.faults(newHandler("v7", "h1", m.healthy()))
			for range 40 {
				rec = httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
				if rec.Code != tt.wantCode {
					break
				}
			}

			if rec.Code != tt.wantCode {
				t.Errorf("code = %d, want %d", rec.Code, tt.wantCode)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			var got health
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if want := (health{Status: tt.wantStatus, Version: "v7"}); got != want {
				t.Errorf("body = %+v, want %+v", got, want)
			}
		})
	}
}

func TestHandler_Root(t *testing.T) {
	rec := httptest.NewRecorder()
	newHandler("v2", "lab1", true).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("code = %d", rec.Code)
	}
	if got, want := rec.Body.String(), "hello from v2 on lab1\n"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
}

func TestHandler_Routes(t *testing.T) {
	h := newHandler("v1", "h", true)
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/nope", http.StatusNotFound},
		{http.MethodPost, "/healthz", http.StatusMethodNotAllowed},
		{http.MethodHead, "/healthz", http.StatusOK},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		if rec.Code != tt.want {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.path, rec.Code, tt.want)
		}
	}
}

func TestLogRequests_LogsMethodPathRemote(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	req.RemoteAddr = "10.231.0.1:40000"
	logRequests(log, newHandler("v1", "h", false)).ServeHTTP(httptest.NewRecorder(), req)

	line := buf.String()
	for _, want := range []string{"method=GET", "path=/healthz", "remote=10.231.0.1:40000", "status=500"} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %q lacks %q", line, want)
		}
	}
}

func TestParseMode(t *testing.T) {
	tests := []struct {
		in       string
		wantErr  bool
		healthy  bool
		exits    bool
		exitWhen time.Duration
	}{
		{in: "", healthy: true},
		{in: "unhealthy", healthy: false},
		{in: "exit", healthy: true, exits: true, exitWhen: 200 * time.Millisecond},
		{in: "flap", healthy: true, exits: true, exitWhen: 3 * time.Second},
		{in: "errors", healthy: true},
		{in: "slow", healthy: true},
		{in: "sluggish", wantErr: true},
	}
	for _, tt := range tests {
		m, err := parseMode(tt.in)
		if (err != nil) != tt.wantErr {
			t.Fatalf("parseMode(%q) err = %v, wantErr %v", tt.in, err, tt.wantErr)
		}
		if tt.wantErr {
			continue
		}
		d, exits := m.exitAfter()
		if m.healthy() != tt.healthy || exits != tt.exits || d != tt.exitWhen {
			t.Errorf("%q: healthy=%v exits=%v after %v, want %v %v %v",
				tt.in, m.healthy(), exits, d, tt.healthy, tt.exits, tt.exitWhen)
		}
	}
}

func TestResolvePort(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "PORT" {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name    string
		args    []string
		env     string
		want    int
		wantErr bool
	}{
		{name: "default", want: 8080},
		{name: "env", env: "9000", want: 9000},
		{name: "flag wins", args: []string{"-port", "9100"}, env: "9000", want: 9100},
		{name: "flag 0 picks a free port", args: []string{"-port", "0"}, env: "9000", want: 0},
		{name: "bad env", env: "http", wantErr: true},
		{name: "out of range", args: []string{"-port=70000"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resolvePort(tt.args, env(tt.env))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("resolvePort = %d, %v; want %d, err %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestWithDelay_HoldsRootOnly(t *testing.T) {
	h := withDelay(50*time.Millisecond, newHandler("v1", "h", true))
	for _, tc := range []struct {
		path string
		slow bool
	}{{"/", true}, {"/healthz", false}} {
		start := time.Now()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
		took := time.Since(start)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: code %d", tc.path, rec.Code)
		}
		if slow := took >= 50*time.Millisecond; slow != tc.slow {
			t.Errorf("%s took %s: want delayed=%v", tc.path, took, tc.slow)
		}
	}
}
