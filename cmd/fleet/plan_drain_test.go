package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
)

// TestPlan_Drain: plan shows, per host, how long its instance would stay
// in Consul maintenance before it stops: in the limits line, a DRAIN
// column ("-" for a host that does not change or an app without Consul,
// "0s (none)" for the drain: 0s opt-out) and plan_host's drain_ms.
func TestPlan_Drain(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	s.mustRollout("v1", "--limit", "sim3") // before Consul: the fake below registers nothing
	var asked atomic.Int64
	consul := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		http.NotFound(w, r) // no instance is registered
	}))
	t.Cleanup(consul.Close)
	plain, err := os.ReadFile(s.inv)
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(consul.URL, "http://")
	for _, tt := range []struct {
		name, consul string
		note, cell   string // the limits line's end, the changing hosts' DRAIN
		ms           *int64 // the changing hosts' drain_ms
	}{
		{"without consul", "", "failure budget 0", "-", nil},
		{"drain and lb_refresh", "{port: 8080, address: '" + addr + "', drain: 5s, lb_refresh: 2s}",
			"failure budget 0, drain 5s (lb_refresh 2s)", "5s", ptr(int64(5000))},
		{"drain 0s", "{port: 8080, address: '" + addr + "', drain: 0s}",
			"failure budget 0, drain 0s (none)", `0s \(none\)`, ptr(int64(0))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			inv := string(plain)
			if tt.consul != "" {
				inv = strings.Replace(inv, "app:\n", "app:\n  consul: "+tt.consul+"\n", 1)
			}
			if err := os.WriteFile(s.inv, []byte(inv), 0o600); err != nil {
				t.Fatal(err)
			}
			before := asked.Load()
			r := runArgs(t.Context(), []string{"fleet", "plan", "-i", s.inv, "--agent-binary", s.agentBin, "-a", s.artifact("v1"), "--version", "v1"})
			r.wantCode(t, exitOK)
			for _, re := range []string{
				`(?m)^Plan: roll v1 .*, ` + regexp.QuoteMeta(tt.note) + `$`,
				`(?m)^WAVE +HOST +MODE +FROM +TO +ACTION +DRAIN +UPLOAD$`,
				`(?m)^1 +sim1 +in-place +\(none\) +v1 +update +` + tt.cell + ` +9 B$`,
				`(?m)^2 +sim2 +in-place +\(none\) +v1 +update +` + tt.cell + ` +9 B$`,
				`(?m)^- +sim3 +- +v1 +v1 +skip +- +present$`,
			} {
				if !regexp.MustCompile(re).MatchString(r.stdout) {
					t.Errorf("plan output does not match %s:\n%s", re, r.stdout)
				}
			}
			if got := asked.Load() > before; got != (tt.consul != "") {
				t.Errorf("asked Consul: %v", got)
			}
			j := s.run(t.Context(), "plan", "-a", s.artifact("v1"), "--version", "v1")
			j.wantCode(t, exitOK)
			for _, e := range j.kind(t, "plan_host") {
				want := tt.ms
				if e.Host == "sim3" {
					want = nil
				}
				if (e.DrainMS == nil) != (want == nil) || (want != nil && *e.DrainMS != *want) {
					t.Errorf("%s: drain_ms %v, want %v", e.Host, fmtPtr(e.DrainMS), fmtPtr(want))
				}
			}
			if tt.ms != nil && *tt.ms == 0 && !strings.Contains(j.stdout, `"drain_ms":0,`) {
				t.Errorf("drain_ms 0 must be written, not omitted:\n%s", j.stdout)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func fmtPtr(p *int64) any {
	if p == nil {
		return "absent"
	}
	return *p
}
