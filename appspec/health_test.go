package appspec

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestGate(t *testing.T) {
	tests := []struct {
		name         string
		checks       int
		consulGate   bool
		consulChecks int
		want         string
	}{
		{"a health check", 1, false, 0, ""},
		{"a health check and an empty Consul gate", 1, true, 0, ""},
		{"the Consul gate over a Consul check", 0, true, 1, ""},
		{"nothing", 0, false, 0, `no health check: a rollout could not tell a good release from a bad one; add one, e.g. checks: [{http: {url: "http://127.0.0.1:8080/healthz"}}]`},
		{"Consul checks without the gate", 0, false, 2, "no health check: a rollout could not tell a good release from a bad one; add one"},
		{"the Consul gate over nothing", 0, true, 0, "no health check: a rollout could not tell a good release from a bad one (the Consul gate has no Consul check to wait for); add one"},
	}
	for _, tt := range tests {
		err := Gate(tt.checks, tt.consulGate, tt.consulChecks)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: Gate = %v, want nil", tt.name, err)
		case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want) || !errors.Is(err, ErrNoCheck)):
			t.Errorf("%s: Gate = %v, want %q wrapping ErrNoCheck", tt.name, err, tt.want)
		}
	}
}

func TestMinHealthyTime(t *testing.T) {
	tests := []struct {
		minHealthy, deadline time.Duration
		want                 string
	}{
		{0, time.Second, ""},
		{5 * time.Second, time.Minute, ""},
		{time.Minute, time.Minute, "min_healthy_time (1m0s) must be less than healthy_deadline (1m0s)"},
		{2 * time.Minute, time.Minute, "min_healthy_time (2m0s) must be less than healthy_deadline (1m0s)"},
		{-time.Second, time.Minute, "must not be negative"},
	}
	for _, tt := range tests {
		err := MinHealthyTime(tt.minHealthy, tt.deadline)
		if (tt.want == "") != (err == nil) || (err != nil && err.Error() != tt.want) {
			t.Errorf("MinHealthyTime(%s, %s) = %v, want %q", tt.minHealthy, tt.deadline, err, tt.want)
		}
	}
	if Positive(0) == nil || Positive(-1) == nil || Positive(1) != nil {
		t.Error("Positive accepts 0 or a negative duration, or refuses 1ns")
	}
}
