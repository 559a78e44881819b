package inventory

import (
	"testing"
	"time"
)

// TestParse_Drain: the drain and lb_refresh fleet accepts, and what it
// keeps of them.
func TestParse_Drain(t *testing.T) {
	const app = "app: {name: hello, health: {checks: [{http: {url: 'http://x/'}}]}, consul: "
	for _, tt := range []struct {
		name             string
		consul           string
		drain, lbRefresh time.Duration
	}{
		{"defaults", "{port: 8080}", 5 * time.Second, 0},
		{"drain longer than lb_refresh", "{port: 8080, drain: 10s, lb_refresh: 4s}", 10 * time.Second, 4 * time.Second},
		{"drain equal to lb_refresh", "{port: 8080, drain: 4s, lb_refresh: 4s}", 4 * time.Second, 4 * time.Second},
		{"default drain covers lb_refresh", "{port: 8080, lb_refresh: 5s}", 5 * time.Second, 5 * time.Second},
		{"sub-second lb_refresh", "{port: 8080, drain: 1s, lb_refresh: 500ms}", time.Second, 500 * time.Millisecond},
		{"0s without lb_refresh opts out", "{port: 8080, drain: 0s}", 0, 0},
		// Maintenance is critical at once: the checks' interval does not
		// delay it, so a drain below it is no mistake fleet can see.
		{"drain below the check interval", "{port: 8080, drain: 2s, lb_refresh: 1s, checks: [{http: 'http://x/', interval: 10s}]}",
			2 * time.Second, time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := mustParse(t, app+tt.consul+"}\n"+hostsOK).App.Consul
			if c.Drain.Std() != tt.drain || c.LBRefresh.Std() != tt.lbRefresh {
				t.Errorf("drain %s, lb_refresh %s; want %s, %s", c.Drain, c.LBRefresh, tt.drain, tt.lbRefresh)
			}
		})
	}
}

func TestParse_DrainErrors(t *testing.T) {
	const app = "app: {name: hello, consul: "
	runErrorCases(t, []errorCase{
		{"drain shorter than lb_refresh", app + "{port: 8080, drain: 2s, lb_refresh: 5s}}\n" + hostsOK,
			"fleet.yaml:1:48: app.consul.drain: 2s is shorter than lb_refresh 5s: your load balancer could still send requests " +
				"to an instance fleet has stopped; set drain to at least 5s, plus your longest request"},
		{"drain 0s with lb_refresh", app + "{port: 8080, drain: 0s, lb_refresh: 3s}}\n" + hostsOK,
			"fleet.yaml:1:48: app.consul.drain: 0s (no drain) is shorter than lb_refresh 3s: your load balancer could still send " +
				"requests to an instance fleet has stopped; set drain to at least 3s"},
		{"default drain shorter than lb_refresh", app + "{port: 8080, lb_refresh: 17s}}\n" + hostsOK,
			"fleet.yaml:1:53: app.consul.drain: defaults to 5s, shorter than lb_refresh 17s: your load balancer could still send " +
				"requests to an instance fleet has stopped; set drain to at least 17s"},
		{"lb_refresh negative", app + "{port: 8080, lb_refresh: -1s}}\n" + hostsOK,
			"fleet.yaml:1:53: app.consul.lb_refresh: must not be negative"},
		{"lb_refresh zero", app + "{port: 8080, lb_refresh: 0s}}\n" + hostsOK,
			"fleet.yaml:1:53: app.consul.lb_refresh: must be greater than 0: it is the longest your load balancer takes"},
		{"lb_refresh without unit", app + "{port: 8080, lb_refresh: 5}}\n" + hostsOK,
			`fleet.yaml:1:53: app.consul.lb_refresh: must be a duration such as 5s or 500ms, got "5"`},
		{"lb_refresh misspelt", app + "{port: 8080, lb_refesh: 5s}}\n" + hostsOK,
			`fleet.yaml:1:41: app.consul.lb_refesh: unknown field (did you mean "lb_refresh"?)`},
		{"lb_refresh with a dash", app + "{port: 8080, lb-refresh: 5s}}\n" + hostsOK,
			`fleet.yaml:1:41: app.consul.lb-refresh: unknown field (did you mean "lb_refresh"?)`},
	})
}

// TestParse_DrainErrorsTogether: a short drain is reported with the
// file's other problems, and a drain or lb_refresh that did not decode
// is reported once, not compared as well.
func TestParse_DrainErrorsTogether(t *testing.T) {
	errs := parseErrors(t, "app: {name: hello, consul: {port: 0, drain: 1s, lb_refresh: 2s}}\n"+hostsOK)
	requireError(t, errs, "fleet.yaml:1:35: app.consul.port: must be between 1 and 65535")
	requireError(t, errs, "fleet.yaml:1:45: app.consul.drain: 1s is shorter than lb_refresh 2s")
	for _, src := range []string{
		"app: {name: hello, consul: {port: 8080, drain: -1s, lb_refresh: 2s}}\n" + hostsOK,
		"app: {name: hello, consul: {port: 8080, drain: 1s, lb_refresh: -2s}}\n" + hostsOK,
	} {
		if errs := parseErrors(t, src); len(errs) != 1 {
			t.Errorf("%q: want one error, got:\n%s", src, errs)
		}
	}
}
