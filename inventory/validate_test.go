package inventory

import (
	"errors"
	"strings"
	"testing"
)

// hostsOK completes a file whose test is about the app section.
const hostsOK = "groups:\n  - name: web\n    hosts: [web1]\n"

// appOK starts a file whose test is about another section.
const appOK = "app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}}\n"

// parseErrors parses src, which must fail, and returns its problems.
func parseErrors(t *testing.T, src string) Errors {
	t.Helper()
	inv, err := Parse("fleet.yaml", []byte(src))
	if err == nil {
		t.Fatalf("Parse succeeded, want errors; got %+v", inv)
	}
	var errs Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("Parse error is %T %v, want non-empty Errors", err, err)
	}
	return errs
}

// requireError fails unless the text of one of errs contains want, which
// carries file:line:col and the field path.
func requireError(t *testing.T, errs Errors, want string) {
	t.Helper()
	for _, e := range errs {
		if strings.Contains(e.Error(), want) {
			return
		}
	}
	t.Errorf("no error contains\n  %s\ngot:\n  %s", want, strings.ReplaceAll(errs.Error(), "\n", "\n  "))
}

// errorCase is one invalid file and one error it must produce, written as
// file:line:col, field path, (host) and the start of the message.
type errorCase struct {
	name string
	src  string
	want string
}

func runErrorCases(t *testing.T, tests []errorCase) {
	t.Helper()
	t.Setenv("HOME", "/home/u")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireError(t, parseErrors(t, tt.src), tt.want)
		})
	}
}

func TestParse_FileErrors(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"empty file", "", "fleet.yaml:1:1: file is empty"},
		{"comments only", "# nothing yet\n", "fleet.yaml:1:1: file is empty"},
		{"null document", "~\n", "fleet.yaml:1:1: file is empty"},
		{"not a mapping", "- app\n", "fleet.yaml:1:1: must be a mapping with app, ssh, strategy and groups, got a list"},
		{"syntax error", "app:\n  name: hello\n   binary: x\n", "fleet.yaml:3: invalid YAML: "},
		{"two documents", appOK + hostsOK + "---\nother: 1\n", "fleet.yaml:6:1: only one YAML document is allowed"},
		{"unknown top-level field", appOK + hostsOK + "colour: red\n", "fleet.yaml:5:1: colour: unknown field"},
		{"unknown field suggestion", appOK + hostsOK + "stratgy: {}\n", `fleet.yaml:5:1: stratgy: unknown field (did you mean "strategy"?)`},
		{"duplicate field", appOK + "app: {name: x}\n" + hostsOK, "fleet.yaml:2:1: app: duplicate field (first at line 1, column 1)"},
		{"merge key", "app: {name: hello, <<: {keep: 3}}\n" + hostsOK, "fleet.yaml:1:20: app: merge keys (<<) are not supported"},
		{"non-string key", "app: {name: hello, [a]: 1}\n" + hostsOK, "fleet.yaml:1:20: app: keys must be strings, got a list"},
	})
}

func TestParse_AppErrors(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"missing app", hostsOK, "fleet.yaml:1:1: app.name: is required"},
		{"missing app name", "app: {keep: 3}\n" + hostsOK, "fleet.yaml:1:6: app.name: is required"},
		{"app not a mapping", "app: hello\n" + hostsOK, "fleet.yaml:1:6: app: must be a mapping, got \"hello\""},
		{"app name with space", "app: {name: 'he llo'}\n" + hostsOK, "fleet.yaml:1:13: app.name: must not contain ' '"},
		{"app name boolean", "app: {name: true}\n" + hostsOK, "fleet.yaml:1:13: app.name: must be a string, got a boolean"},
		{"app name dot-dot", "app: {name: ..}\n" + hostsOK, "fleet.yaml:1:13: app.name: must start with a letter or digit"},
		{"app name too long", "app: {name: " + strings.Repeat("a", 129) + "}\n" + hostsOK, "fleet.yaml:1:13: app.name: must be at most 128 characters"},
		{"binary with slash", "app: {name: hello, binary: bin/hello}\n" + hostsOK, "fleet.yaml:1:28: app.binary: must not contain '/'"},
		{"root relative", "app: {name: hello, root: opt/hello}\n" + hostsOK, "fleet.yaml:1:26: app.root: must be an absolute path"},
		{"root with dot-dot", "app: {name: hello, root: /opt/../etc}\n" + hostsOK, "fleet.yaml:1:26: app.root: must not contain a \"..\" element"},
		{"root not clean", "app: {name: hello, root: /opt//hello/}\n" + hostsOK, "fleet.yaml:1:26: app.root: must be a clean path (did you mean /opt/hello?)"},
		{"root is slash", "app: {name: hello, root: /}\n" + hostsOK, "fleet.yaml:1:26: app.root: must not be /"},
		{"root with shell character", "app: {name: hello, root: '/opt/$x'}\n" + hostsOK, "fleet.yaml:1:26: app.root: must not contain '$'"},
		{"keep too small", "app: {name: hello, keep: 1}\n" + hostsOK, "fleet.yaml:1:26: app.keep: must be at least 2, got 1"},
		{"keep quoted", "app: {name: hello, keep: \"3\"}\n" + hostsOK, `fleet.yaml:1:26: app.keep: must be an integer, got "3"`},
		{"keep empty", "app:\n  name: hello\n  keep:\n" + hostsOK, "fleet.yaml:3:8: app.keep: must be an integer, got no value"},
		{"units empty", "app: {name: hello, units: []}\n" + hostsOK, "fleet.yaml:1:27: app.units: must list at least one unit"},
		{"unit without type", "app: {name: hello, units: [hello]}\n" + hostsOK, "fleet.yaml:1:28: app.units[0]: must end in a unit type such as .service"},
		{"unit template", "app: {name: hello, units: [hello@.service]}\n" + hostsOK, "fleet.yaml:1:28: app.units[0]: is a template; name an instance such as hello@1.service"},
		{"unit duplicate", "app: {name: hello, units: [a.service, a.service]}\n" + hostsOK, "fleet.yaml:1:39: app.units[1]: duplicate unit a.service"},
	})
}

func TestParse_HealthErrors(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"min healthy time not below deadline",
			"app:\n  name: hello\n  health:\n    min_healthy_time: 60s\n    healthy_deadline: 30s\n" + hostsOK,
			"fleet.yaml:4:23: app.health.min_healthy_time: min_healthy_time (1m0s) must be less than healthy_deadline (30s)"},
		{"deadline below default min healthy time",
			"app:\n  name: hello\n  health: {healthy_deadline: 2s}\n" + hostsOK,
			"fleet.yaml:3:30: app.health.healthy_deadline: min_healthy_time (5s) must be less than healthy_deadline (2s)"},
		{"duration without unit", "app: {name: hello, health: {interval: 5}}\n" + hostsOK, `fleet.yaml:1:39: app.health.interval: must be a duration such as 5s or 500ms, got "5"`},
		{"negative duration", "app: {name: hello, health: {interval: -1s}}\n" + hostsOK, "fleet.yaml:1:39: app.health.interval: must not be negative"},
		{"zero interval", "app: {name: hello, health: {interval: 0s}}\n" + hostsOK, "fleet.yaml:1:39: app.health.interval: must be greater than 0"},
		{"checks not a list", "app: {name: hello, health: {checks: {}}}\n" + hostsOK, "fleet.yaml:1:37: app.health.checks: must be a list, got a mapping"},
		{"check with no kind", "app: {name: hello, health: {checks: [{}]}}\n" + hostsOK, "fleet.yaml:1:38: app.health.checks[0]: must set exactly one of http, tcp, command, systemd"},
		{"check with null", "app: {name: hello, health: {checks: [~]}}\n" + hostsOK, "fleet.yaml:1:38: app.health.checks[0]: must set exactly one of http, tcp, command, systemd"},
		{"check with two kinds",
			"app:\n  name: hello\n  health:\n    checks:\n      - tcp: {address: '127.0.0.1:80'}\n        systemd: {unit: hello.service}\n" + hostsOK,
			"fleet.yaml:5:9: app.health.checks[0]: sets tcp and systemd; a check has exactly one kind"},
		{"unknown check kind", "app: {name: hello, health: {checks: [{grpc: {}}]}}\n" + hostsOK, "fleet.yaml:1:39: app.health.checks[0].grpc: unknown field"},
		{"http url not http", "app: {name: hello, health: {checks: [{http: {url: 'ftp://x/'}}]}}\n" + hostsOK, `fleet.yaml:1:51: app.health.checks[0].http.url: must be an http:// or https:// URL, got "ftp://x/"`},
		{"http url without host", "app: {name: hello, health: {checks: [{http: {url: 'http:///x'}}]}}\n" + hostsOK, "fleet.yaml:1:51: app.health.checks[0].http.url: must name a host"},
		{"http url missing", "app: {name: hello, health: {checks: [{http: {status: 200}}]}}\n" + hostsOK, "fleet.yaml:1:45: app.health.checks[0].http.url: is required"},
		{"http status out of range", "app: {name: hello, health: {checks: [{http: {url: 'http://x/', status: 999}}]}}\n" + hostsOK, "fleet.yaml:1:72: app.health.checks[0].http.status: must be an HTTP status between 100 and 599, got 999"},
		{"http unknown field", "app: {name: hello, health: {checks: [{http: {url: 'http://x/', code: 200}}]}}\n" + hostsOK, "fleet.yaml:1:64: app.health.checks[0].http.code: unknown field"},
		{"tcp without port", "app: {name: hello, health: {checks: [{tcp: {address: localhost}}]}}\n" + hostsOK, `fleet.yaml:1:54: app.health.checks[0].tcp.address: must be host:port, got "localhost"`},
		{"tcp named port", "app: {name: hello, health: {checks: [{tcp: {address: 'localhost:http'}}]}}\n" + hostsOK, `fleet.yaml:1:54: app.health.checks[0].tcp.address: port must be a number, got "http"`},
		{"command relative", "app: {name: hello, health: {checks: [{command: {argv: [test, -f, x]}}]}}\n" + hostsOK, `fleet.yaml:1:56: app.health.checks[0].command.argv[0]: must be an absolute, clean path to the program (no shell is used), got "test"`},
		{"command empty", "app: {name: hello, health: {checks: [{command: {argv: []}}]}}\n" + hostsOK, "fleet.yaml:1:55: app.health.checks[0].command.argv: must list the program and its arguments"},
		{"command missing argv", "app: {name: hello, health: {checks: [{command: {timeout: 1s}}]}}\n" + hostsOK, "fleet.yaml:1:48: app.health.checks[0].command.argv: must list the program and its arguments"},
		{"command zero timeout", "app: {name: hello, health: {checks: [{command: {argv: [/bin/true], timeout: 0s}}]}}\n" + hostsOK, "fleet.yaml:1:77: app.health.checks[0].command.timeout: must be greater than 0"},
		{"systemd bad state", "app: {name: hello, health: {checks: [{systemd: {unit: a.service, state: up}}]}}\n" + hostsOK, `fleet.yaml:1:73: app.health.checks[0].systemd.state: must be one of active, reloading`},
		{"systemd missing unit", "app: {name: hello, health: {checks: [{systemd: {}}]}}\n" + hostsOK, "fleet.yaml:1:48: app.health.checks[0].systemd.unit: is required"},
	})
}

func TestParse_SSHErrors(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"host_key_check", appOK + "ssh: {host_key_check: yes}\n" + hostsOK, `fleet.yaml:2:23: ssh.host_key_check: must be strict or accept-new, got "yes"`},
		{"port quoted", appOK + "ssh: {port: \"22\"}\n" + hostsOK, `fleet.yaml:2:13: ssh.port: must be an integer, got "22"`},
		{"port out of range", appOK + "ssh: {port: 70000}\n" + hostsOK, "fleet.yaml:2:13: ssh.port: must be between 1 and 65535, got 70000"},
		{"sudo not a boolean", appOK + "ssh: {sudo: 1}\n" + hostsOK, "fleet.yaml:2:13: ssh.sudo: must be true or false, got an integer"},
		{"user with at", appOK + "ssh: {user: 'a@b'}\n" + hostsOK, "fleet.yaml:2:13: ssh.user: must not contain '@'"},
		{"jump with space", appOK + "ssh: {jump: 'bastion host'}\n" + hostsOK, "fleet.yaml:2:13: ssh.jump: host must not contain ' '"},
		{"jump bad port", appOK + "ssh: {jump: 'me@bastion:0'}\n" + hostsOK, "fleet.yaml:2:13: ssh.jump: port must be between 1 and 65535, got 0"},
		{"identity file of another user", appOK + "ssh: {identity_files: ['~bob/key']}\n" + hostsOK, "fleet.yaml:2:24: ssh.identity_files[0]: only ~ and ~/ are expanded, not ~user"},
		{"identity files not a list", appOK + "ssh: {identity_files: ~/.ssh/id}\n" + hostsOK, `fleet.yaml:2:23: ssh.identity_files: must be a list, got "~/.ssh/id"`},
		{"connect timeout zero", appOK + "ssh: {connect_timeout: 0s}\n" + hostsOK, "fleet.yaml:2:24: ssh.connect_timeout: must be greater than 0"},
		{"config empty", appOK + "ssh: {config: ''}\n" + hostsOK, "fleet.yaml:2:15: ssh.config: must not be empty"},
	})
}

func TestParse_StrategyErrors(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"max_unavailable word", appOK + "strategy: {max_unavailable: abc}\n" + hostsOK, `fleet.yaml:2:29: strategy.max_unavailable: must be a count such as 1 or a percentage such as 25%, got "abc"`},
		{"max_unavailable over 100%", appOK + "strategy: {max_unavailable: 150%}\n" + hostsOK, `fleet.yaml:2:29: strategy.max_unavailable: must be at most 100%, got "150%"`},
		{"max_unavailable negative", appOK + "strategy: {max_unavailable: -1}\n" + hostsOK, `fleet.yaml:2:29: strategy.max_unavailable: must not be negative, got "-1"`},
		{"max_unavailable boolean", appOK + "strategy: {max_unavailable: true}\n" + hostsOK, "fleet.yaml:2:29: strategy.max_unavailable: must be a count such as 1 or a percentage such as 25%, got a boolean"},
		{"max_surge fraction", appOK + "strategy: {max_surge: 1.5}\n" + hostsOK, "fleet.yaml:2:23: strategy.max_surge: must be a count such as 1 or a percentage such as 25%, got a number"},
		{"max_surge fraction percent", appOK + "strategy: {max_surge: 2.5%}\n" + hostsOK, `fleet.yaml:2:23: strategy.max_surge: must be a count such as 1 or a percentage such as 25%, got "2.5%"`},
		{"max_failures percent only", appOK + "strategy: {max_failures: '%'}\n" + hostsOK, `fleet.yaml:2:26: strategy.max_failures: must be a count such as 1 or a percentage such as 25%, got "%"`},
		{"max_unavailable and max_surge both zero", appOK + "strategy: {max_unavailable: 0}\n" + hostsOK, "fleet.yaml:2:29: strategy.max_unavailable: max_unavailable and max_surge are both 0"},
		{"both zero as percentages", appOK + "strategy: {max_surge: 0%, max_unavailable: 0%}\n" + hostsOK, "fleet.yaml:2:44: strategy.max_unavailable: max_unavailable and max_surge are both 0"},
		{"parallel zero", appOK + "strategy: {parallel: 0}\n" + hostsOK, "fleet.yaml:2:22: strategy.parallel: must be at least 1"},
		{"stage unknown", appOK + "strategy: {stage: later}\n" + hostsOK, `fleet.yaml:2:19: strategy.stage: must be before or ahead, got "later"`},
		{"auto_rollback word", appOK + "strategy: {auto_rollback: yes}\n" + hostsOK, `fleet.yaml:2:27: strategy.auto_rollback: must be true or false, got "yes"`},
	})
}

func TestParse_GroupsErrors(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"no groups", appOK, "fleet.yaml:1:1: groups: must define at least one host"},
		{"groups empty", appOK + "groups: []\n", "fleet.yaml:2:9: groups: must define at least one host"},
		{"group without hosts", appOK + "groups:\n  - name: web\n", "fleet.yaml:3:3: groups: must define at least one host"},
		{"group without name", appOK + "groups:\n  - hosts: [web1]\n", "fleet.yaml:3:5: groups[0].name: is required"},
		{"group null", appOK + "groups:\n  -\n  - name: web\n    hosts: [web1]\n", "fleet.yaml:3:4: groups[0].name: is required"},
		{"group name invalid", appOK + "groups:\n  - name: 'we b'\n    hosts: [web1]\n", "fleet.yaml:3:11: groups[0].name: must not contain ' '"},
		{"group name duplicate", appOK + "groups:\n  - {name: web, hosts: [a]}\n  - {name: web, hosts: [b]}\n",
			"fleet.yaml:4:12: groups[1].name: duplicate group name web (first at line 3, column 12)"},
		{"duplicate host across groups", appOK + "groups:\n  - name: web\n    hosts: [web1]\n  - name: db\n    hosts:\n      - name: web1\n",
			"fleet.yaml:7:15: groups[1].hosts[0].name (host web1): duplicate host name web1 (first at line 4, column 13)"},
		{"duplicate shorthand host", appOK + "groups:\n  - name: web\n    hosts: [web1, web1]\n",
			"fleet.yaml:4:19: groups[0].hosts[1] (host web1): duplicate host name web1 (first at line 4, column 13)"},
		{"address with slash", appOK + "groups:\n  - name: web\n    hosts:\n      - {name: web2, address: 10.0.0.0/24}\n",
			"fleet.yaml:5:31: groups[0].hosts[0].address (host web2): must not contain '/'"},
		{"address with port", appOK + "groups:\n  - name: web\n    hosts:\n      - {name: web2, address: '10.0.0.1:22'}\n",
			"fleet.yaml:5:31: groups[0].hosts[0].address (host web2): must be a host name or IP address without a port (set the port with ssh.port)"},
		{"address bad IP", appOK + "groups:\n  - name: web\n    hosts:\n      - {name: web2, address: 10.0.0.300}\n",
			"fleet.yaml:5:31: groups[0].hosts[0].address (host web2): is not a valid IP address"},
		{"address bad label", appOK + "groups:\n  - name: web\n    hosts:\n      - {name: web2, address: -web.example.com}\n",
			"fleet.yaml:5:31: groups[0].hosts[0].address (host web2): labels must not start or end with '-'"},
		{"shorthand host invalid", appOK + "groups:\n  - name: web\n    hosts: ['web 1']\n", "fleet.yaml:4:13: groups[0].hosts[0]: must not contain ' '"},
		{"name unusable as address", appOK + "groups:\n  - name: web\n    hosts: [web+1]\n",
			"fleet.yaml:4:13: groups[0].hosts[0] (host web+1): is used as the address, which must not contain '+'; set address"},
		{"host without name", appOK + "groups:\n  - name: web\n    hosts:\n      - {address: 10.0.0.1}\n", "fleet.yaml:5:9: groups[0].hosts[0].name: is required"},
		{"host null", appOK + "groups:\n  - name: web\n    hosts:\n      -\n", "fleet.yaml:5:8: groups[0].hosts[0]: must be a host name or a mapping with name, got no value"},
		{"host unknown field names the host", appOK + "groups:\n  - name: web\n    hosts:\n      - {name: web1, adress: x}\n",
			`fleet.yaml:5:22: groups[0].hosts[0].adress (host web1): unknown field (did you mean "address"?)`},
		{"host ssh override", appOK + "groups:\n  - name: web\n    hosts:\n      - {name: web1, ssh: {port: 0}}\n",
			"fleet.yaml:5:34: groups[0].hosts[0].ssh.port (host web1): must be between 1 and 65535, got 0"},
		{"group ssh override", appOK + "groups:\n  - name: web\n    ssh: {sudo: maybe}\n    hosts: [web1]\n",
			`fleet.yaml:4:17: groups[0].ssh.sudo: must be true or false, got "maybe"`},
		{"label name invalid", appOK + "groups:\n  - name: web\n    labels: {'a b': x}\n    hosts: [web1]\n",
			"fleet.yaml:4:14: groups[0].labels.a b: label name must not contain ' '"},
		{"label value with comma", appOK + "groups:\n  - name: web\n    hosts:\n      - {name: web1, labels: {tier: 'a,b'}}\n",
			"fleet.yaml:5:37: groups[0].hosts[0].labels.tier (host web1): label value must not contain ','"},
		{"label value a mapping", appOK + "groups:\n  - name: web\n    labels: {tier: {}}\n    hosts: [web1]\n",
			"fleet.yaml:4:20: groups[0].labels.tier: must be a label value, got a mapping"},
		{"labels a list", appOK + "groups:\n  - name: web\n    labels: [web]\n    hosts: [web1]\n",
			"fleet.yaml:4:13: groups[0].labels: must be a mapping of label names to values, got a list"},
	})
}

// TestParse_OneProblemOneError: a bad value is reported once, not again
// by every default or cross-check that depends on it.
func TestParse_OneProblemOneError(t *testing.T) {
	tests := map[string]string{
		"bad app name, derived defaults": "app: {name: 'a b', health: {checks: [{tcp: {address: 'h:1'}}]}}\n" + hostsOK,
		"bad amount, both-zero check":    appOK + "strategy: {max_unavailable: 0, max_surge: x}\n" + hostsOK,
		"bad duration, ordering check":   "app: {name: hello, health: {min_healthy_time: 90, healthy_deadline: 60s}}\n" + hostsOK,
		"bad host name, default address": appOK + "groups: [{name: web, hosts: [{name: 'a b'}]}]\n",
		"bad check inside a list":        "app: {name: hello, health: {checks: [{tcp: {address: x}}]}}\n" + hostsOK,
		"bad app name, consul service":   "app: {name: 'a b', consul: {port: 1, checks: [{tcp: 'h:1'}]}}\n" + hostsOK,
		"bad canary, pause and bake":     appOK + "strategy: {canary: x, canary_bake: 1s, pause_after_canary: true}\n" + hostsOK,
		"consul without port, {port}":    "app: {name: hello, consul: {}, health: {checks: [{tcp: {address: 'h:{port}'}}]}}\n" + hostsOK,
		"bad consul port, {port}":        "app: {name: hello, consul: {port: 0}, health: {checks: [{tcp: {address: 'h:{port}'}}]}}\n" + hostsOK,
		"bad slots, dependent checks": "app: {name: hello, slots: {unit: x, instances: [{name: a, port: 1}, {name: b, port: 2}]}, " +
			"health: {checks: [{tcp: {address: 'h:{port}'}}]}}\nstrategy: {blue_green: true}\n" +
			"groups: [{name: web, slots: false, hosts: [web1, {name: web2, slots: true}]}]\n",
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			if errs := parseErrors(t, src); len(errs) != 1 {
				t.Errorf("got %d errors, want 1:\n%v", len(errs), errs)
			}
		})
	}
}
