package inventory

import (
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/analysis"
	"github.com/fleetdeploy/fleet/appspec"
)

// mustParse parses src, which must be valid.
func mustParse(t *testing.T, src string) *Inventory {
	t.Helper()
	inv, err := Parse("fleet.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return inv
}

// homeSSH is the default SSH with HOME=/home/u.
func homeSSH() SSH {
	return SSH{
		KnownHosts:     "/home/u/.ssh/known_hosts",
		HostKeyCheck:   HostKeyStrict,
		ConnectTimeout: 10 * time.Second,
		Keepalive:      15 * time.Second,
	}
}

// errorRateSpec is testdata/fleet.yaml's one analysis template.
var errorRateSpec = analysis.Spec{Metrics: []analysis.Metric{{
	Name:      "error_rate",
	Query:     `sum(rate(hello_requests_total{code=~"5..",version="{{.Version}}"}[30s])) / sum(rate(hello_requests_total{version="{{.Version}}"}[30s]))`,
	Condition: "< 0.01", Interval: 30 * time.Second, Count: 3, NoData: analysis.NoDataFail, InitialDelay: 30 * time.Second,
}}}

func TestLoad_Example(t *testing.T) {
	t.Setenv("HOME", "/home/u")
	inv, err := Load("testdata/fleet.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	top := SSH{
		User:           "root",
		Port:           22,
		IdentityFiles:  []string{"/home/u/.ssh/id_ed25519"},
		KnownHosts:     "/home/u/.ssh/known_hosts",
		HostKeyCheck:   HostKeyStrict,
		Jump:           "bastion.example.com",
		ConnectTimeout: 10 * time.Second,
		Keepalive:      15 * time.Second,
		Config:         "/home/u/.ssh/config",
	}
	web := top
	web.User, web.Sudo = "deploy", true
	web1 := web
	web1.Port = 2222
	db1 := top
	db1.Jump, db1.IdentityFiles = NoJump, []string{"/etc/fleet/db_key"}
	want := &Inventory{
		File: "testdata/fleet.yaml",
		App: App{Spec: appspec.Spec{
			Name: "hello", Binary: "hello", Root: "/opt/hello", Units: []string{"hello.service"}, Keep: 5,
			Health: appspec.Health{
				MinHealthyTime: appspec.Duration(3 * time.Second), Deadline: appspec.Duration(60 * time.Second), Interval: appspec.Duration(500 * time.Millisecond),
				Checks: []appspec.Check{
					{HTTP: &appspec.HTTPCheck{URL: "http://127.0.0.1:{port}/healthz", Status: 200, Body: "ok", Timeout: appspec.Duration(2 * time.Second)}},
					{TCP: &appspec.TCPCheck{Address: "127.0.0.1:8080", Timeout: appspec.Duration(time.Second)}},
					{Command: &appspec.CommandCheck{Argv: []string{"/usr/bin/test", "-f", "/tmp/x"}, Timeout: appspec.Duration(5 * time.Second)}},
					{Systemd: &appspec.SystemdCheck{Unit: "hello.service", State: "active"}},
				},
			},
			Consul: &appspec.Consul{
				Service: "hello-web", Address: "127.0.0.1:8500", TokenFile: "/etc/fleet/consul-token", Port: 8080,
				Tags: []string{"web", "v2-capable"}, Meta: map[string]string{"team": "payments", "tier": "1"},
				Drain: appspec.Duration(10 * time.Second), LBRefresh: appspec.Duration(5 * time.Second), Gate: true, DeregisterCriticalAfter: appspec.Duration(10 * time.Minute),
				Checks: []appspec.ConsulCheck{
					{HTTP: "http://127.0.0.1:{port}/healthz", Interval: appspec.Duration(2 * time.Second), Timeout: appspec.Duration(time.Second)},
					{TCP: "127.0.0.1:{port}", Interval: appspec.Duration(time.Second), Timeout: appspec.Duration(time.Second)},
				},
			},
			Slots: &appspec.Slots{Unit: "hello@.service", Instances: []appspec.Slot{{Name: "blue", Port: 8081}, {Name: "green", Port: 8082}}}},
			Analysis: &Analysis{
				Prometheus: Prometheus{Address: "http://prometheus.example.com:9090", Timeout: 10 * time.Second, BearerTokenEnv: "PROMETHEUS_TOKEN"},
				Templates:  []AnalysisTemplate{{Name: "error-rate", Spec: errorRateSpec}},
			},
		},
		SSH: top,
		Strategy: Strategy{MaxUnavailable: "1", MaxSurge: "0", MaxFailures: "0", AutoRollback: true, Parallel: 20, Stage: StageBefore,
			Canary: "10%", CanaryBake: 30 * time.Second, PauseAfterCanary: true, BlueGreen: true, ConfirmAbove: "50%",
			CanaryAnalysis: &AnalysisStep{Templates: []string{"error-rate"}, Spec: errorRateSpec}},
		Groups: []string{"web", "db"},
		Hosts: []Host{
			{Name: "web1", Address: "10.0.0.11", Group: "web", Labels: map[string]string{"tier": "web", "zone": "a"}, SSH: web1, Slots: true, Line: 87},
			{Name: "web2", Address: "web2", Group: "web", Labels: map[string]string{"tier": "web"}, SSH: web, Slots: true, Line: 91},
			{Name: "db1", Address: "db1.internal.example.com", Group: "db", Labels: map[string]string{"tier": "db", "zone": "c"}, SSH: db1, Line: 96},
		},
	}
	if !reflect.DeepEqual(inv, want) {
		t.Errorf("Load:\n got %+v\nwant %+v", inv, want)
		for i := range min(len(inv.Hosts), len(want.Hosts)) {
			if !reflect.DeepEqual(inv.Hosts[i], want.Hosts[i]) {
				t.Errorf("host %d:\n got %+v\nwant %+v", i, inv.Hosts[i], want.Hosts[i])
			}
		}
	}
}

func TestLoad_MissingFile(t *testing.T) {
	_, err := Load("testdata/no-such-fleet.yaml")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load error = %v, want fs.ErrNotExist", err)
	}
	if !strings.HasPrefix(err.Error(), "load inventory: ") {
		t.Errorf("Load error = %q, want the load inventory prefix", err)
	}
}

func TestParse_Defaults(t *testing.T) {
	t.Setenv("HOME", "/home/u")
	inv := mustParse(t, "app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}}\ngroups:\n  - name: web\n    hosts: [web1]\n")
	want := &Inventory{
		File: "fleet.yaml",
		App: App{Spec: appspec.Spec{
			Name: "hello", Binary: "hello", Root: "/opt/hello", Units: []string{"hello.service"}, Keep: 5,
			Health: appspec.Health{MinHealthyTime: appspec.Duration(5 * time.Second), Deadline: appspec.Duration(60 * time.Second), Interval: appspec.Duration(time.Second),
				Checks: []appspec.Check{{HTTP: &appspec.HTTPCheck{URL: "http://127.0.0.1:8080/healthz", Status: 200, Timeout: appspec.Duration(2 * time.Second)}}}},
		}},
		SSH:      homeSSH(),
		Strategy: Strategy{MaxUnavailable: "1", MaxSurge: "0", MaxFailures: "0", AutoRollback: true, Parallel: 20, Stage: StageBefore, Canary: "0"},
		Groups:   []string{"web"},
		Hosts: []Host{
			{Name: "web1", Address: "web1", Group: "web", Labels: map[string]string{}, SSH: homeSSH(), Line: 4},
		},
	}
	if !reflect.DeepEqual(inv, want) {
		t.Errorf("Parse:\n got %+v\nwant %+v", inv, want)
	}
}

func TestParse_CheckDefaults(t *testing.T) {
	inv := mustParse(t, `
app:
  name: hello
  health:
    checks:
      - http: {url: "https://localhost/"}
      - tcp: {address: "[::1]:80"}
      - command: {argv: [/bin/true]}
      - systemd: {unit: other.service}
groups: [{name: web, hosts: [web1]}]
`)
	want := []appspec.Check{
		{HTTP: &appspec.HTTPCheck{URL: "https://localhost/", Status: 200, Timeout: appspec.Duration(2 * time.Second)}},
		{TCP: &appspec.TCPCheck{Address: "[::1]:80", Timeout: appspec.Duration(2 * time.Second)}},
		{Command: &appspec.CommandCheck{Argv: []string{"/bin/true"}, Timeout: appspec.Duration(5 * time.Second)}},
		{Systemd: &appspec.SystemdCheck{Unit: "other.service", State: "active"}},
	}
	if got := inv.App.Health.Checks; !reflect.DeepEqual(got, want) {
		t.Errorf("checks:\n got %+v\nwant %+v", got, want)
	}
}

func TestParse_AppOverridesDerivedDefaults(t *testing.T) {
	inv := mustParse(t, `
app: {name: hello, binary: hello-server, root: /srv/hello, units: [hello.service, hello-worker.service], keep: 2,
  health: {checks: [{systemd: {unit: hello-worker.service}}]}}
groups: [{name: web, hosts: [web1]}]
`)
	want := App{Spec: appspec.Spec{Name: "hello", Binary: "hello-server", Root: "/srv/hello",
		Units: []string{"hello.service", "hello-worker.service"}, Keep: 2,
		Health: appspec.Health{MinHealthyTime: appspec.Duration(5 * time.Second), Deadline: appspec.Duration(60 * time.Second), Interval: appspec.Duration(time.Second),
			Checks: []appspec.Check{{Systemd: &appspec.SystemdCheck{Unit: "hello-worker.service", State: "active"}}}}}}
	if !reflect.DeepEqual(inv.App, want) {
		t.Errorf("App:\n got %+v\nwant %+v", inv.App, want)
	}
}

func TestParse_StrategyAmounts(t *testing.T) {
	inv := mustParse(t, `
app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}}
strategy: {max_unavailable: 0, max_surge: "25%", max_failures: 100%, auto_rollback: false, parallel: 5, stage: ahead}
groups: [{name: web, hosts: [web1]}]
`)
	want := Strategy{MaxUnavailable: "0", MaxSurge: "25%", MaxFailures: "100%", AutoRollback: false, Parallel: 5, Stage: StageAhead, Canary: "0"}
	if !reflect.DeepEqual(inv.Strategy, want) {
		t.Errorf("Strategy = %+v, want %+v", inv.Strategy, want)
	}
}

func TestParse_SSHPrecedence(t *testing.T) {
	t.Setenv("HOME", "/home/u")
	inv := mustParse(t, `
app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}}
ssh: {user: top, port: 2200, identity_files: [/keys/top], jump: jump.example.com, keepalive: 0s}
groups:
  - name: web
    labels: {tier: web, zone: a}
    ssh: {user: group, sudo: true, host_key_check: accept-new}
    hosts:
      - name: web1
        labels: {zone: b, rack: "7"}
        ssh: {port: 2222, identity_files: [], jump: none, connect_timeout: 3s}
      - web2
  - name: db
    hosts: [db1]
`)
	top := homeSSH()
	top.User, top.Port, top.IdentityFiles, top.Jump, top.Keepalive = "top", 2200, []string{"/keys/top"}, "jump.example.com", 0
	group := top
	group.User, group.Sudo, group.HostKeyCheck = "group", true, HostKeyAcceptNew
	host := group
	host.Port, host.IdentityFiles, host.Jump, host.ConnectTimeout = 2222, []string{}, NoJump, 3*time.Second

	if !reflect.DeepEqual(inv.SSH, top) {
		t.Errorf("Inventory.SSH = %+v, want the top-level block over defaults %+v", inv.SSH, top)
	}
	wantSSH := map[string]SSH{"web1": host, "web2": group, "db1": top}
	wantLabels := map[string]map[string]string{
		"web1": {"tier": "web", "zone": "b", "rack": "7"},
		"web2": {"tier": "web", "zone": "a"},
		"db1":  {},
	}
	for _, h := range inv.Hosts {
		if !reflect.DeepEqual(h.SSH, wantSSH[h.Name]) {
			t.Errorf("%s SSH:\n got %+v\nwant %+v", h.Name, h.SSH, wantSSH[h.Name])
		}
		if !reflect.DeepEqual(h.Labels, wantLabels[h.Name]) {
			t.Errorf("%s labels = %v, want %v", h.Name, h.Labels, wantLabels[h.Name])
		}
	}
	// Hosts must not share slices: a caller editing one host's identity
	// files must not change another's.
	inv.Hosts[1].SSH.IdentityFiles[0] = "changed"
	if inv.SSH.IdentityFiles[0] != "/keys/top" || inv.Hosts[2].SSH.IdentityFiles[0] != "/keys/top" {
		t.Error("hosts share IdentityFiles with each other or with Inventory.SSH")
	}
}

func TestParse_ShorthandHost(t *testing.T) {
	t.Setenv("HOME", "/home/u")
	inv := mustParse(t, `
app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}}
groups:
  - name: web
    labels: {tier: web}
    ssh: {user: deploy}
    hosts:
      - web1.example.com
      - 10.0.0.12
      - {name: web3}
`)
	ssh := homeSSH()
	ssh.User = "deploy"
	want := []Host{
		{Name: "web1.example.com", Address: "web1.example.com", Group: "web", Labels: map[string]string{"tier": "web"}, SSH: ssh, Line: 8},
		{Name: "10.0.0.12", Address: "10.0.0.12", Group: "web", Labels: map[string]string{"tier": "web"}, SSH: ssh, Line: 9},
		{Name: "web3", Address: "web3", Group: "web", Labels: map[string]string{"tier": "web"}, SSH: ssh, Line: 10},
	}
	if !reflect.DeepEqual(inv.Hosts, want) {
		t.Errorf("Hosts:\n got %+v\nwant %+v", inv.Hosts, want)
	}
}

func TestParse_AliasesShareValues(t *testing.T) {
	t.Setenv("HOME", "/home/u")
	inv := mustParse(t, `
app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}}
groups:
  - name: web
    ssh: &deploy {user: deploy, sudo: true}
    hosts: [web1]
  - name: db
    ssh: *deploy
    hosts: [db1]
`)
	for _, h := range inv.Hosts {
		if h.SSH.User != "deploy" || !h.SSH.Sudo {
			t.Errorf("%s SSH = %+v, want the aliased user and sudo", h.Name, h.SSH)
		}
	}
}

func TestParse_HomeExpansion(t *testing.T) {
	t.Setenv("HOME", "/home/u")
	inv := mustParse(t, `
app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}}
ssh:
  identity_files: [~/.ssh/id_ed25519, "~", /etc/key, relative/key]
  known_hosts: ~/known
  config: none
groups: [{name: web, hosts: [web1]}]
`)
	wantFiles := []string{"/home/u/.ssh/id_ed25519", "/home/u", "/etc/key", "relative/key"}
	if got := inv.Hosts[0].SSH; !reflect.DeepEqual(got.IdentityFiles, wantFiles) || got.KnownHosts != "/home/u/known" || got.Config != NoSSHConfig {
		t.Errorf("SSH = %+v, want identity files %v, known_hosts /home/u/known, config none", got, wantFiles)
	}
}

func TestParse_BareTildeIsNull(t *testing.T) {
	errs := parseErrors(t, "app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}}\nssh: {known_hosts: ~}\ngroups: [{name: web, hosts: [web1]}]\n")
	requireError(t, errs, `fleet.yaml:2:20: ssh.known_hosts: a bare ~ is YAML for "no value"; write "~" or '~' for the home directory`)
}

func TestParse_HomeUnset(t *testing.T) {
	t.Setenv("HOME", "")
	errs := parseErrors(t, "app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}}\nssh: {identity_files: [~/.ssh/id]}\ngroups: [{name: web, hosts: [web1]}]\n")
	requireError(t, errs, "fleet.yaml:2:24: ssh.identity_files[0]: $HOME is not set, so ~ cannot be expanded")
	requireError(t, errs, "fleet.yaml:2:6: ssh.known_hosts: $HOME is not set, so the default ~/.ssh/known_hosts cannot be used")
	if len(errs) != 2 {
		t.Errorf("got %d errors, want 2:\n%v", len(errs), errs)
	}

	// Without ~ anywhere, $HOME is not needed.
	inv := mustParse(t, "app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}}\nssh: {known_hosts: /etc/fleet/known_hosts}\ngroups: [{name: web, hosts: [web1]}]\n")
	if inv.SSH.KnownHosts != "/etc/fleet/known_hosts" || inv.SSH.Config != "" {
		t.Errorf("SSH = %+v", inv.SSH)
	}
}

func TestParse_ReportsAllErrors(t *testing.T) {
	t.Setenv("HOME", "/home/u")
	src := `app:
  name: hello
  root: opt/hello
  keep: 1
ssh:
  host_key_check: sometimes
strategy:
  max_unavailable: 0
  max_surge: 0
groups:
  - name: web
    hosts:
      - name: web1
        address: 10.0.0.1/24
      - name: web1
      - {name: web3, colour: blue}
`
	errs := parseErrors(t, src)
	want := []string{
		"fleet.yaml:2:3: app.health.checks: no health check: a rollout could not tell a good release from a bad one; add one",
		"fleet.yaml:3:9: app.root: must be an absolute path",
		"fleet.yaml:4:9: app.keep: must be at least 2",
		"fleet.yaml:6:19: ssh.host_key_check: must be strict or accept-new",
		"fleet.yaml:8:20: strategy.max_unavailable: max_unavailable and max_surge are both 0",
		"fleet.yaml:14:18: groups[0].hosts[0].address (host web1): must not contain '/'",
		"fleet.yaml:15:15: groups[0].hosts[1].name (host web1): duplicate host name web1 (first at line 13, column 15)",
		"fleet.yaml:16:22: groups[0].hosts[2].colour (host web3): unknown field",
	}
	if len(errs) != len(want) {
		t.Errorf("got %d errors, want %d:\n%v", len(errs), len(want), errs)
	}
	for i, w := range want {
		if i < len(errs) && !strings.HasPrefix(errs[i].Error(), w) {
			t.Errorf("error %d = %q, want prefix %q (errors come in file order)", i, errs[i].Error(), w)
		}
	}
}

func TestErrors_ErrorAndAs(t *testing.T) {
	_, err := Parse("fleet.yaml", []byte("app: {keep: x}\n"))
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("errors.As(%T, *FieldError) = false", err)
	}
	if fe.File != "fleet.yaml" || fe.Line == 0 || fe.Field == "" {
		t.Errorf("first FieldError = %+v, want file, line and field set", fe)
	}
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatal("errors.As(Errors) = false")
	}
	if got := strings.Count(err.Error(), "\n") + 1; got != len(errs) {
		t.Errorf("Error() has %d lines for %d errors:\n%s", got, len(errs), err)
	}
}

func TestFieldError_Error(t *testing.T) {
	tests := []struct {
		e    FieldError
		want string
	}{
		{FieldError{File: "fleet.yaml", Line: 14, Column: 9, Host: "web2", Field: "groups[0].hosts[1].address", Msg: "must not contain '/'"},
			"fleet.yaml:14:9: groups[0].hosts[1].address (host web2): must not contain '/'"},
		{FieldError{File: "fleet.yaml", Line: 3, Column: 1, Field: "app.name", Msg: "is required"}, "fleet.yaml:3:1: app.name: is required"},
		{FieldError{File: "fleet.yaml", Line: 3, Msg: "invalid YAML: x"}, "fleet.yaml:3: invalid YAML: x"},
		{FieldError{File: "fleet.yaml", Msg: "yaml: x"}, "fleet.yaml: yaml: x"},
		{FieldError{File: "f", Line: 1, Column: 2, Host: "h", Msg: "m"}, "f:1:2: host h: m"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
