package inventory

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/appspec"
)

// checkOK is a health check for files whose test is about something else.
const checkOK = "health: {checks: [{systemd: {unit: hello.service}}]}"

// noCheck is the start of the error for an inventory without a health check.
const noCheck = "app.health.checks: no health check: a rollout could not tell a good release from a bad one"

func TestParse_NoHealthCheck(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"no health section", "app: {name: hello}\n" + hostsOK,
			"fleet.yaml:1:6: " + noCheck + `; add one, e.g. checks: [{http: {url: "http://127.0.0.1:8080/healthz"}}]`},
		{"block app, no health section", "# fleet\n\napp:\n  name: hello\n" + hostsOK, "fleet.yaml:4:3: " + noCheck},
		{"health without checks", "app:\n  name: hello\n  health: {interval: 2s}\n" + hostsOK, "fleet.yaml:3:11: " + noCheck},
		{"empty checks", "app:\n  name: hello\n  health:\n    checks: []\n" + hostsOK, "fleet.yaml:4:13: " + noCheck},
		{"null checks", "app:\n  name: hello\n  health:\n    checks: ~\n" + hostsOK, "fleet.yaml:4:13: " + noCheck},
		{"consul gate off", "app: {name: hello, consul: {port: 8080, gate: false, checks: [{tcp: 'h:{port}'}]}}\n" + hostsOK,
			"fleet.yaml:1:6: " + noCheck + "; add one"},
		{"consul gate over no consul check", "app: {name: hello, consul: {port: 8080}}\n" + hostsOK,
			"fleet.yaml:1:6: " + noCheck + " (the Consul gate has no Consul check to wait for); add one"},
		{"consul checks without the gate", "app: {name: hello, consul: {port: 8080, gate: false}}\n" + hostsOK, "fleet.yaml:1:6: " + noCheck},
	})
	// The settings of hosts from another source follow the same rule.
	if _, err := ParseSettings("fleet.yaml", []byte("app: {name: hello}\n")); err == nil || !strings.Contains(err.Error(), "fleet.yaml:1:6: "+noCheck) {
		t.Errorf("ParseSettings without a check = %v, want %q", err, noCheck)
	}
}

// TestParse_GateThatCanFail: one check of any kind, or the Consul gate
// over a Consul check, is a gate.
func TestParse_GateThatCanFail(t *testing.T) {
	for name, src := range map[string]string{
		"http":                  "app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:8080/'}}]}}\n",
		"tcp":                   "app: {name: hello, health: {checks: [{tcp: {address: '127.0.0.1:8080'}}]}}\n",
		"command":               "app: {name: hello, health: {checks: [{command: {argv: [/bin/true]}}]}}\n",
		"systemd":               "app: {name: hello, " + checkOK + "}\n",
		"consul gate":           "app: {name: hello, consul: {port: 8080, checks: [{http: 'http://127.0.0.1:{port}/'}]}}\n",
		"consul gate, explicit": "app: {name: hello, consul: {port: 8080, gate: true, checks: [{tcp: '127.0.0.1:{port}'}]}}\n",
	} {
		t.Run(name, func(t *testing.T) { mustParse(t, src+hostsOK) })
	}
}

// TestParse_NoHealthCheckIsOneError: a broken check or Consul section is
// its own error; the missing gate is not reported on top of it.
func TestParse_NoHealthCheckIsOneError(t *testing.T) {
	for name, src := range map[string]string{
		"broken check":        "app: {name: hello, health: {checks: [{http: {url: 'ftp://x/'}}]}}\n",
		"checks not a list":   "app: {name: hello, health: {checks: {http: {url: 'http://x/'}}}}\n",
		"broken consul":       "app: {name: hello, consul: {port: 0, checks: [{tcp: 'h:{port}'}]}}\n",
		"broken consul check": "app: {name: hello, consul: {port: 8080, checks: [{tcp: 'h'}]}}\n",
		"broken consul gate":  "app: {name: hello, consul: {port: 8080, gate: maybe}}\n",
	} {
		t.Run(name, func(t *testing.T) {
			if errs := parseErrors(t, src+hostsOK); len(errs) != 1 || strings.Contains(errs.Error(), noCheck) {
				t.Errorf("got %d errors, want 1 that is not about the gate:\n%v", len(errs), errs)
			}
		})
	}
}

// TestParse_WhatTheAgentRefuses: the app spec is checked with the agent's
// rules (appspec) when the inventory is loaded, not by a host mid-rollout.
func TestParse_WhatTheAgentRefuses(t *testing.T) {
	const app = "app: {name: hello, " + checkOK + ", "
	runErrorCases(t, []errorCase{
		{"unit starting with -", app + "units: [-x.service]}\n" + hostsOK, "fleet.yaml:1:82: app.units[0]: must not start with '-'"},
		{"unit with two @", app + "units: [a@b@c.service]}\n" + hostsOK, `fleet.yaml:1:82: app.units[0]: must contain at most one @, got "a@b@c.service"`},
		{"unit with a bare backslash", app + `units: ['a\b.service']}` + "\n" + hostsOK, `fleet.yaml:1:82: app.units[0]: may use \ only in \xNN escapes, got "a\\b.service"`},
		{"unit without a name before @", app + "units: ['@x.service']}\n" + hostsOK, "fleet.yaml:1:82: app.units[0]: must name the unit before @"},
		{"default unit", "app: {name: a+b, " + checkOK + "}\n" + hostsOK,
			"fleet.yaml:1:13: app.units: defaults to [a+b.service], which must not contain '+'; set units"},
		{"default binary", "app: {name: release.json, " + checkOK + "}\n" + hostsOK,
			`fleet.yaml:1:13: app.binary: defaults to the app name "release.json", which must not be release.json, which fleet writes next to the binary; set binary`},
		{"binary release.json", app + "binary: release.json}\n" + hostsOK, "fleet.yaml:1:82: app.binary: must not be release.json"},
		{"root component starting with .", app + "root: /opt/.hello}\n" + hostsOK, `fleet.yaml:1:80: app.root: component ".hello" must start with a letter or digit`},
		{"root component starting with -", app + "root: /opt/-hello}\n" + hostsOK, `fleet.yaml:1:80: app.root: component "-hello" must start with a letter or digit`},
		{"root with @", app + "root: /opt/a@b}\n" + hostsOK, "fleet.yaml:1:80: app.root: must not contain '@'"},
		{"systemd check unit", "app: {name: hello, health: {checks: [{systemd: {unit: -x.service}}]}}\n" + hostsOK,
			"fleet.yaml:1:55: app.health.checks[0].systemd.unit: must not start with '-'"},
		{"http body with NUL", "app: {name: hello, health: {checks: [{http: {url: 'http://x/', body: \"a\\0b\"}}]}}\n" + hostsOK,
			"fleet.yaml:1:70: app.health.checks[0].http.body: must not contain NUL"},
		{"http url without a host name", "app: {name: hello, health: {checks: [{http: {url: 'http://:8080/'}}]}}\n" + hostsOK,
			"fleet.yaml:1:51: app.health.checks[0].http.url: must name a host"},
		{"tcp address without a host", "app: {name: hello, health: {checks: [{tcp: {address: ':8080'}}]}}\n" + hostsOK,
			"fleet.yaml:1:54: app.health.checks[0].tcp.address: host must not be empty"},
		{"deregister before the deadline", "app: {name: hello, consul: {port: 8080, deregister_critical_after: 2m, checks: [{tcp: 'h:1'}]}, health: {healthy_deadline: 5m}}\n" + hostsOK,
			"fleet.yaml:1:68: app.consul.deregister_critical_after: must be 0 (never) or at least the health deadline 5m0s"},
		{"tag too long", app + "consul: {port: 8080, tags: [" + strings.Repeat("t", 4097) + "]}}\n" + hostsOK,
			"app.consul.tags[0]: must be at most 4096 characters"},
		{"meta value with NUL", app + "consul: {port: 8080, meta: {a: \"x\\0\"}}}\n" + hostsOK, "app.consul.meta.a: must not contain NUL"},
		{"slot name with ..", app + "slots: {unit: hello@.service, instances: [{name: a..b, port: 1}, {name: b, port: 2}]}}\n" + hostsOK,
			`app.slots.instances[0].name: must not contain ".."`},
		{"socket template", app + "slots: {unit: hello@.socket, instances: [{name: a, port: 1}, {name: b, port: 2}]}}\n" + hostsOK,
			"app.slots.unit: must be a systemd template unit ending in @.service"},
		{"slot port", app + "slots: {unit: hello@.service, instances: [{name: a, port: 0}, {name: b, port: 2}]}}\n" + hostsOK,
			"app.slots.instances[0].port: must be between 1 and 65535, got 0"},
		{"consul port", app + "consul: {port: 65536}}\n" + hostsOK, "app.consul.port: must be between 1 and 65535, got 65536"},
		{"{port} without a port", "app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:{port}/'}}]}}\n" + hostsOK,
			"app.health.checks[0].http.url: uses {port}, but there is no instance port to put there; set app.slots or app.consul.port"},
		{"{port} in the host", "app: {name: hello, health: {checks: [{http: {url: 'http://{port}/'}}]}}\n" + hostsOK,
			"app.health.checks[0].http.url: may use {port} for the port, not in the host"},
		{"blue/green without slots", "app: {name: hello, " + checkOK + "}\nstrategy: {blue_green: true}\n" + hostsOK,
			"fleet.yaml:2:24: strategy.blue_green: needs app.slots: blue/green flips between two instances per host"},
	})
}

// ruleCandidates are values for the fields an app spec names, good and
// bad; TestParse_FieldRulesAreAppspecs writes each into its field.
var ruleCandidates = []string{
	"hello", "hello.service", "hello@1.service", "hello@.service", "-x.service", "a@b@c.service", `a\b.service`,
	`a\x2db.service`, "@x.service", ".service", "a b.service", "a+b.service", "a:b_c.target", "x.socket",
	"/opt/hello", "/opt/.hello", "/opt/-x", "/opt/_x", "/opt/a@b", "/opt//x", "/opt/x/", "/", "opt/x", "/opt/../x",
	"/srv/a+b", "/opt/a..b", "release.json", "a..b", "a+b", "_x", "7", "a@b", "blue", "a.1", "g_2-x",
	"hello@.socket", "a@b@.service", "@.service", "-x@.service", strings.Repeat("a", 129), strings.Repeat("u", 250) + "@.service",
}

// TestParse_FieldRulesAreAppspecs: each field of the app spec accepts
// exactly what its appspec rule accepts, so the inventory neither adds a
// rule the agent lacks nor misses one it has.
func TestParse_FieldRulesAreAppspecs(t *testing.T) {
	t.Setenv("HOME", "/home/u")
	fields := []struct {
		name string
		src  func(q string) string // the file with the candidate, quoted
		rule func(string) error
	}{
		{"units", func(q string) string { return "app: {name: hello, " + checkOK + ", units: [" + q + "]}\n" }, appspec.Unit},
		{"root", func(q string) string { return "app: {name: hello, " + checkOK + ", root: " + q + "}\n" }, appspec.Root},
		{"binary", func(q string) string { return "app: {name: hello, " + checkOK + ", binary: " + q + "}\n" }, appspec.Binary},
		{"name", func(q string) string {
			return "app: {name: " + q + ", binary: hello, units: [hello.service], " + checkOK + "}\n"
		}, appspec.Name},
		{"systemd check", func(q string) string {
			return "app: {name: hello, health: {checks: [{systemd: {unit: " + q + "}}]}}\n"
		}, appspec.Unit},
		{"slot name", func(q string) string {
			return "app: {name: hello, " + checkOK + ", slots: {unit: hello@.service, instances: [{name: " + q + ", port: 1}, {name: zz, port: 2}]}}\n"
		}, func(s string) error { return errors.Join(appspec.SlotName(s), appspec.SlotUnit("hello@.service", s)) }},
		{"slots unit", func(q string) string {
			return "app: {name: hello, " + checkOK + ", slots: {unit: " + q + ", instances: [{name: a, port: 1}, {name: b, port: 2}]}}\n"
		}, appspec.TemplateUnit},
	}
	for _, fl := range fields {
		accepted := 0
		for _, c := range ruleCandidates {
			_, err := Parse("fleet.yaml", []byte(fl.src(strconv.Quote(c))+hostsOK))
			if want := fl.rule(c); (err == nil) != (want == nil) {
				t.Errorf("%s %q: Parse = %v; the rule says %v", fl.name, c, err, want)
			}
			if err == nil {
				accepted++
			}
		}
		if accepted == 0 || accepted == len(ruleCandidates) {
			t.Errorf("%s: Parse accepted %d of %d candidates; the list must hold good and bad ones", fl.name, accepted, len(ruleCandidates))
		}
	}
}
