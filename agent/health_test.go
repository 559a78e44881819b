package agent_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
)

// scripted serves one status per request, in order, then repeats the last.
func scripted(t *testing.T, statuses ...int) *httptest.Server {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		i := min(int(n.Add(1))-1, len(statuses)-1)
		w.WriteHeader(statuses[i])
		_, _ = w.Write([]byte("status: ok\n"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// gate runs a health op on a fresh host whose current is release 1,
// ticking the fake clock one interval per probe round.
func gate(t *testing.T, h *host) (agent.HealthResult, []agent.Event, error) {
	t.Helper()
	s := h.open(t)
	stage(t, s.c, "1", "one")
	if _, err := s.c.Switch(context.Background(), agent.SwitchArgs{Version: "1"}); err != nil {
		t.Fatal(err)
	}
	var events []agent.Event
	res, err := s.c.Health(context.Background(), agent.HealthArgs{Version: "1"}, func(e agent.Event) {
		events = append(events, e)
		h.clock.Tick(5 * time.Second)
	})
	return res, events, err
}

func TestHealth_FailureResetsTheClock(t *testing.T) {
	h := newHost(t)
	srv := scripted(t, 200, 200, 500, 200, 200, 200)
	h.checks = []appspec.Check{{HTTP: &appspec.HTTPCheck{URL: srv.URL}}}
	res, events, err := gate(t, h)
	if err != nil {
		t.Fatalf("Health: %v", err)
	}
	// t=0 pass, 5 pass, 10 FAIL, 15 pass (streak starts), 20, 25: 10s.
	if res.Rounds != 6 || res.HealthyFor.Std() != 10*time.Second {
		t.Errorf("result = %+v, want healthy after 6 rounds", res)
	}
	var passing []bool
	for _, e := range events {
		passing = append(passing, e.Health.Passing)
	}
	if want := []bool{true, true, false, true, true, true}; !slices.Equal(passing, want) {
		t.Errorf("rounds passing = %v, want %v", passing, want)
	}
	third := events[2].Health
	if third.HealthyFor != 0 || third.Left.Std() != 50*time.Second || !strings.Contains(third.Checks[0].Reason, "status 500") {
		t.Errorf("failing round = %+v", third)
	}
}

func TestHealth_DeadlineFailsWithLastReason(t *testing.T) {
	h := newHost(t)
	srv := scripted(t, 503)
	h.checks = []appspec.Check{
		{HTTP: &appspec.HTTPCheck{URL: srv.URL}},
		{Systemd: &appspec.SystemdCheck{Unit: testUnit}},
	}
	h.units.SetState(testUnit, "active")
	_, events, err := gate(t, h)
	e := wantCode(t, err, agent.CodeUnhealthy)
	if !strings.Contains(e.Message, "status 503, want 200") {
		t.Errorf("message %q does not name the failing check", e.Message)
	}
	if n := len(events); n != 13 { // t = 0, 5, ..., 60
		t.Errorf("%d rounds before the deadline, want 13", n)
	}
	if last := events[len(events)-1].Health; last.Left != 0 {
		t.Errorf("last round left = %s", last.Left)
	}
}

// program is the absolute path of a command on PATH: a command check's
// argv[0] must be one (appspec.Arg).
func program(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not on PATH: %v", name, err)
	}
	return p
}

func TestHealth_AllCheckKinds(t *testing.T) {
	srv := scripted(t, 200)
	addr := strings.TrimPrefix(srv.URL, "http://")
	pass := []appspec.Check{
		{HTTP: &appspec.HTTPCheck{URL: srv.URL + "/healthz", Body: "status: ok"}},
		{TCP: &appspec.TCPCheck{Address: addr}},
		{Command: &appspec.CommandCheck{Argv: []string{program(t, "true")}}},
		{Systemd: &appspec.SystemdCheck{Unit: testUnit}},
	}
	h := newHost(t)
	h.units.SetState(testUnit, "active")
	h.checks = pass
	if _, _, err := gate(t, h); err != nil {
		t.Fatalf("all passing checks: %v", err)
	}

	tests := []struct {
		check  appspec.Check
		reason string
	}{
		{appspec.Check{HTTP: &appspec.HTTPCheck{URL: srv.URL, Body: "absent"}}, `body does not contain "absent"`},
		{appspec.Check{HTTP: &appspec.HTTPCheck{URL: srv.URL, Status: 204}}, "status 200, want 204"},
		{appspec.Check{TCP: &appspec.TCPCheck{Address: "127.0.0.1:1"}}, "connection refused"},
		{appspec.Check{Command: &appspec.CommandCheck{Argv: []string{program(t, "sh"), "-c", "echo boom >&2; exit 3"}}}, "exit status 3: boom"},
		{appspec.Check{Command: &appspec.CommandCheck{Argv: []string{program(t, "sleep"), "30"}, Timeout: appspec.Duration(50 * time.Millisecond)}}, "killed"},
		{appspec.Check{Command: &appspec.CommandCheck{Argv: []string{"/nonexistent/probe"}}}, "no such file"},
		{appspec.Check{Systemd: &appspec.SystemdCheck{Unit: "other.service"}}, "ActiveState inactive, want active"},
	}
	for _, tt := range tests {
		h := newHost(t)
		h.units.SetState(testUnit, "active")
		h.checks = append([]appspec.Check{{Systemd: &appspec.SystemdCheck{Unit: testUnit}}}, tt.check)
		_, events, err := gate(t, h)
		wantCode(t, err, agent.CodeUnhealthy)
		if r := events[0].Health.Checks[1]; r.OK || !strings.Contains(r.Reason, tt.reason) {
			t.Errorf("%s: result %+v, want reason containing %q", r.Check, r, tt.reason)
		}
	}
}

func TestHealth_RefusesWithoutCurrentOrOnWrongVersion(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	_, err := s.c.Health(ctx, agent.HealthArgs{}, nil)
	wantCode(t, err, agent.CodeNotFound)
	stage(t, s.c, "1", "one")
	if _, err := s.c.Switch(ctx, agent.SwitchArgs{Version: "1"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.c.Health(ctx, agent.HealthArgs{Version: "2"}, nil)
	wantCode(t, err, agent.CodeBadRequest)
}

func TestHealth_NoChecksIsRefused(t *testing.T) {
	h := newHost(t)
	h.checks = nil
	_, _, err := gate(t, h)
	wantCode(t, err, agent.CodeBadRequest)
}

// TestHealth_RefusesAGateThatCannotFail: without a check, or with only a
// Consul gate over no Consul check, the health op judges nothing and
// records no verdict (appspec.Gate, the rule the inventory applies when
// it loads). hello accepts such a spec, for the ops that need no gate.
func TestHealth_RefusesAGateThatCannotFail(t *testing.T) {
	for name, setup := range map[string]func(h *host){
		"no check":                         func(h *host) { h.checks = nil },
		"consul gate over no consul check": func(h *host) { h.checks = nil; h.withConsul().Gate = true; h.consul.Checks = nil },
		"consul checks without the gate":   func(h *host) { h.checks = nil; h.withConsul() },
	} {
		t.Run(name, func(t *testing.T) {
			h := newHost(t)
			setup(h)
			_, events, err := gate(t, h)
			e := wantCode(t, err, agent.CodeBadRequest)
			if !strings.Contains(e.Message, "no health check: a rollout could not tell a good release from a bad one") {
				t.Errorf("message %q does not say why", e.Message)
			}
			if len(events) != 0 {
				t.Errorf("%d rounds ran, want none", len(events))
			}
		})
	}
}
