package inventory

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
)

func TestParse_ConsulDefaults(t *testing.T) {
	inv := mustParse(t, `
app:
  name: hello
  consul:
    port: 8080
    checks:
      - http: "http://127.0.0.1:{port}/healthz"
      - {tcp: "127.0.0.1:{port}", interval: 5s, timeout: 2s}
`+hostsOK)
	want := &appspec.Consul{
		Service: "hello", Address: "127.0.0.1:8500", Port: 8080, Meta: map[string]string{},
		Drain: appspec.Duration(5 * time.Second), Gate: true,
		Checks: []appspec.ConsulCheck{
			{HTTP: "http://127.0.0.1:{port}/healthz", Interval: appspec.Duration(time.Second), Timeout: appspec.Duration(time.Second)},
			{TCP: "127.0.0.1:{port}", Interval: appspec.Duration(5 * time.Second), Timeout: appspec.Duration(2 * time.Second)},
		},
	}
	if !reflect.DeepEqual(inv.App.Consul, want) {
		t.Errorf("Consul:\n got %+v\nwant %+v", inv.App.Consul, want)
	}
	if inv.App.Slots != nil || inv.Hosts[0].Slots {
		t.Errorf("Slots = %+v, host slots %v; want none", inv.App.Slots, inv.Hosts[0].Slots)
	}
}

func TestParse_ConsulSettings(t *testing.T) {
	inv := mustParse(t, `
app:
  name: hello
  consul:
    service: greeter
    address: "[::1]:8501"
    token_env: CONSUL_HTTP_TOKEN
    port: 9000
    tags: [web, v2-capable]
    meta: {team: payments, build: 42, canary: false}
    drain: 0s
    gate: false
    deregister_critical_after: 90s
  health: {checks: [{http: {url: "http://127.0.0.1:9000/healthz"}}], healthy_deadline: 90s}
`+hostsOK)
	want := &appspec.Consul{
		Service: "greeter", Address: "[::1]:8501", TokenEnv: "CONSUL_HTTP_TOKEN", Port: 9000,
		Tags: []string{"web", "v2-capable"}, Meta: map[string]string{"team": "payments", "build": "42", "canary": "false"},
		DeregisterCriticalAfter: appspec.Duration(90 * time.Second),
	}
	if !reflect.DeepEqual(inv.App.Consul, want) {
		t.Errorf("Consul:\n got %+v\nwant %+v", inv.App.Consul, want)
	}
}

func TestParse_ConsulErrors(t *testing.T) {
	const app = "app: {name: hello, consul: "
	runErrorCases(t, []errorCase{
		{"port missing without slots", app + "{}}\n" + hostsOK,
			"fleet.yaml:1:28: app.consul.port: is required when app.slots is not set"},
		{"null consul", "app:\n  name: hello\n  consul:\n" + hostsOK,
			"fleet.yaml:3:10: app.consul: must be a mapping; write consul: {} to use Consul with the defaults, or remove it"},
		{"consul a list", app + "[x]}\n" + hostsOK, "fleet.yaml:1:28: app.consul: must be a mapping, got a list"},
		{"unknown field", app + "{port: 8080, prot: 1}}\n" + hostsOK,
			`fleet.yaml:1:41: app.consul.prot: unknown field (did you mean "port"?)`},
		{"port zero", app + "{port: 0}}\n" + hostsOK, "fleet.yaml:1:35: app.consul.port: must be between 1 and 65535, got 0"},
		{"port too large", app + "{port: 65536}}\n" + hostsOK, "fleet.yaml:1:35: app.consul.port: must be between 1 and 65535, got 65536"},
		{"drain negative", app + "{port: 8080, drain: -1s}}\n" + hostsOK, "fleet.yaml:1:48: app.consul.drain: must not be negative"},
		{"drain without unit", app + "{port: 8080, drain: 5}}\n" + hostsOK, `fleet.yaml:1:48: app.consul.drain: must be a duration such as 5s or 500ms, got "5"`},
		{"gate word", app + "{port: 8080, gate: yes}}\n" + hostsOK, `fleet.yaml:1:47: app.consul.gate: must be true or false, got "yes"`},
		{"address without port", app + "{port: 8080, address: localhost}}\n" + hostsOK,
			`fleet.yaml:1:50: app.consul.address: must be host:port, got "localhost"`},
		{"address with placeholder", app + "{port: 8080, address: '127.0.0.1:{port}'}}\n" + hostsOK,
			`fleet.yaml:1:50: app.consul.address: port must be a number, got "{port}"`},
		{"service not a DNS label", app + "{port: 8080, service: he.llo}}\n" + hostsOK,
			"fleet.yaml:1:50: app.consul.service: must not contain '.' (Consul DNS allows letters, digits and '-')"},
		{"service defaulted from an unfit app name", "app: {name: hello_x, consul: {port: 8080}}\n" + hostsOK,
			`fleet.yaml:1:30: app.consul.service: defaults to the app name "hello_x", which must not contain '_' (Consul DNS allows letters, digits and '-'); set service`},
		{"token_env starts with a digit", app + "{port: 8080, token_env: 1TOKEN}}\n" + hostsOK,
			"fleet.yaml:1:52: app.consul.token_env: must be an environment variable name, which does not start with a digit"},
		{"token_env with dash", app + "{port: 8080, token_env: MY-TOKEN}}\n" + hostsOK,
			"fleet.yaml:1:52: app.consul.token_env: must be an environment variable name (letters, digits and '_'), not contain '-'"},
		{"token_file relative", app + "{port: 8080, token_file: etc/token}}\n" + hostsOK,
			`fleet.yaml:1:53: app.consul.token_file: must be an absolute path on the host, got "etc/token"`},
		{"token_file with tilde", app + "{port: 8080, token_file: '~/token'}}\n" + hostsOK,
			`fleet.yaml:1:53: app.consul.token_file: is a path on the host, where ~ is not expanded; write an absolute path, got "~/token"`},
		{"token_file not clean", app + "{port: 8080, token_file: /etc//token}}\n" + hostsOK,
			"fleet.yaml:1:53: app.consul.token_file: must be a clean path (did you mean /etc/token?)"},
		{"both tokens", app + "{port: 8080, token_env: T, token_file: /t}}\n" + hostsOK,
			"fleet.yaml:1:67: app.consul.token_file: set at most one of token_env and token_file"},
		{"reserved meta key", app + "{port: 8080, meta: {version: x}}}\n" + hostsOK,
			"fleet.yaml:1:48: app.consul.meta.version: key is reserved: fleet sets version, sha256, fleet_rollout, revision, dirty, change_note itself"},
		{"reserved meta key fleet_rollout", app + "{port: 8080, meta: {fleet_rollout: x}}}\n" + hostsOK,
			"fleet.yaml:1:48: app.consul.meta.fleet_rollout: key is reserved"},
		{"meta key with consul prefix", app + "{port: 8080, meta: {consul-x: x}}}\n" + hostsOK,
			"fleet.yaml:1:48: app.consul.meta.consul-x: key must not start with consul-, which Consul reserves"},
		{"meta key with dot", app + "{port: 8080, meta: {a.b: x}}}\n" + hostsOK,
			"fleet.yaml:1:48: app.consul.meta.a.b: key must not contain '.' (Consul allows letters, digits, '_' and '-')"},
		{"meta value a list", app + "{port: 8080, meta: {a: [x]}}}\n" + hostsOK,
			"fleet.yaml:1:51: app.consul.meta.a: must be a string, got a list"},
		{"meta value too long", app + "{port: 8080, meta: {a: " + strings.Repeat("x", 513) + "}}}\n" + hostsOK,
			"fleet.yaml:1:51: app.consul.meta.a: must be at most 512 characters"},
		{"tag duplicate", app + "{port: 8080, tags: [a, a]}}\n" + hostsOK, "fleet.yaml:1:51: app.consul.tags[1]: duplicate tag a (also tags[0])"},
		{"tag with space", app + "{port: 8080, tags: ['a b']}}\n" + hostsOK, "fleet.yaml:1:48: app.consul.tags[0]: must not contain ' '"},
		{"deregister below Consul's floor", app + "{port: 8080, deregister_critical_after: 30s}}\n" + hostsOK,
			"fleet.yaml:1:68: app.consul.deregister_critical_after: must be 0 (never) or at least 1m; Consul raises shorter values to 1m, got 30s"},
		{"check interval below 1s", app + "{port: 8080, checks: [{http: 'http://x/', interval: 500ms}]}}\n" + hostsOK,
			"fleet.yaml:1:80: app.consul.checks[0].interval: must be at least 1s; Consul raises shorter intervals to 1s, got 500ms"},
		{"check timeout zero", app + "{port: 8080, checks: [{tcp: 'x:1', timeout: 0s}]}}\n" + hostsOK,
			"fleet.yaml:1:72: app.consul.checks[0].timeout: must be greater than 0"},
		{"check with two kinds", app + "{port: 8080, checks: [{http: 'http://x/', tcp: 'x:1'}]}}\n" + hostsOK,
			"fleet.yaml:1:50: app.consul.checks[0]: sets http and tcp; a check has exactly one kind"},
		{"check with no kind", app + "{port: 8080, checks: [{interval: 1s}]}}\n" + hostsOK,
			"fleet.yaml:1:50: app.consul.checks[0]: must set exactly one of http and tcp"},
		{"check http not a URL", app + "{port: 8080, checks: [{http: 'ftp://x/'}]}}\n" + hostsOK,
			`fleet.yaml:1:57: app.consul.checks[0].http: must be an http:// or https:// URL, got "ftp://x/"`},
		{"check http placeholder in host", app + "{port: 8080, checks: [{http: 'http://{port}/'}]}}\n" + hostsOK,
			`fleet.yaml:1:57: app.consul.checks[0].http: may use {port} for the port, not in the host, got "http://{port}/"`},
		{"check tcp placeholder in host", app + "{port: 8080, checks: [{tcp: '{port}:80'}]}}\n" + hostsOK,
			`fleet.yaml:1:56: app.consul.checks[0].tcp: may use {port} for the port, not in the host, got "{port}:80"`},
		{"check unknown field", app + "{port: 8080, checks: [{http: 'http://x/', method: GET}]}}\n" + hostsOK,
			"fleet.yaml:1:70: app.consul.checks[0].method: unknown field"},
	})
}
