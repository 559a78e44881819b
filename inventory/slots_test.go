package inventory

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
)

// slotsApp has slots and a consul port for hosts that opt out.
const slotsApp = `app:
  name: hello
  health: {checks: [{http: {url: "http://127.0.0.1:{port}/healthz"}}]}
  slots:
    unit: hello@.service
    instances: [{name: blue, port: 8081}, {name: green, port: 8082}]
  consul: {port: 8080}
`

func TestParse_SlotsPerHost(t *testing.T) {
	inv := mustParse(t, slotsApp+`groups:
  - name: web
    hosts: [web1, {name: web2, slots: false}]
  - name: db
    slots: false
    hosts: [db1, {name: db2, slots: true}]
`)
	want := &appspec.Slots{Unit: "hello@.service", Instances: []appspec.Slot{{Name: "blue", Port: 8081}, {Name: "green", Port: 8082}}}
	if !reflect.DeepEqual(inv.App.Slots, want) {
		t.Errorf("Slots = %+v, want %+v", inv.App.Slots, want)
	}
	wantSlots := map[string]bool{"web1": true, "web2": false, "db1": false, "db2": true}
	wantPorts := map[string][]int{"web1": {8081, 8082}, "web2": {8080}, "db1": {8080}, "db2": {8081, 8082}}
	for _, h := range inv.Hosts {
		if h.Slots != wantSlots[h.Name] {
			t.Errorf("%s: Slots = %v, want %v", h.Name, h.Slots, wantSlots[h.Name])
		}
		if got := inv.App.InstancePorts(h); !reflect.DeepEqual(got, wantPorts[h.Name]) {
			t.Errorf("%s: InstancePorts = %v, want %v", h.Name, got, wantPorts[h.Name])
		}
	}
}

func TestParse_SlotsWithoutConsul(t *testing.T) {
	// Without Consul and without {port}, a host may opt out freely.
	inv := mustParse(t, `app:
  name: hello
  slots: {unit: hello@.service, instances: [{name: a, port: 1}, {name: b, port: 2}]}
  health: {checks: [{http: {url: "http://127.0.0.1:8080/"}}]}
strategy: {blue_green: true}
groups: [{name: web, hosts: [web1, {name: web2, slots: false}]}]
`)
	if !inv.Hosts[0].Slots || inv.Hosts[1].Slots || !inv.Strategy.BlueGreen {
		t.Errorf("hosts %+v, strategy %+v", inv.Hosts, inv.Strategy)
	}
	if got := inv.App.InstancePorts(inv.Hosts[1]); got != nil {
		t.Errorf("InstancePorts(web2) = %v, want none", got)
	}
}

func TestParse_SlotsFalseWithoutAppSlots(t *testing.T) {
	// slots: false says what is already true; it is not an error.
	inv := mustParse(t, appOK+"groups: [{name: web, slots: false, hosts: [web1]}]\n")
	if inv.Hosts[0].Slots {
		t.Error("host runs slots without app.slots")
	}
}

func TestParse_SlotsErrors(t *testing.T) {
	const two = "instances: [{name: a, port: 1}, {name: b, port: 2}]"
	runErrorCases(t, []errorCase{
		{"unit not a template", "app: {name: hello, slots: {unit: hello.service, " + two + "}}\n" + hostsOK,
			`fleet.yaml:1:34: app.slots.unit: must be a systemd template unit ending in @.service, such as hello@.service, got "hello.service"`},
		{"unit a template instance", "app: {name: hello, slots: {unit: hello@1.service, " + two + "}}\n" + hostsOK,
			`fleet.yaml:1:34: app.slots.unit: must be a systemd template unit ending in @.service`},
		{"unit without prefix", "app: {name: hello, slots: {unit: '@.service', " + two + "}}\n" + hostsOK,
			"fleet.yaml:1:34: app.slots.unit: must name the template before @.service"},
		{"unit with two @", "app: {name: hello, slots: {unit: 'a@b@.service', " + two + "}}\n" + hostsOK,
			`fleet.yaml:1:34: app.slots.unit: must contain one @, got "a@b@.service"`},
		{"unit with space", "app: {name: hello, slots: {unit: 'he llo@.service', " + two + "}}\n" + hostsOK,
			"fleet.yaml:1:34: app.slots.unit: must not contain ' '"},
		{"unit missing", "app: {name: hello, slots: {" + two + "}}\n" + hostsOK, "fleet.yaml:1:27: app.slots.unit: is required"},
		{"slots null", "app:\n  name: hello\n  slots:\n" + hostsOK,
			"fleet.yaml:3:9: app.slots: must be a mapping with unit and instances; remove it to run one instance per host"},
		{"instances missing", "app: {name: hello, slots: {unit: hello@.service}}\n" + hostsOK, "fleet.yaml:1:27: app.slots.instances: is required"},
		{"one instance", "app: {name: hello, slots: {unit: hello@.service, instances: [{name: a, port: 1}]}}\n" + hostsOK,
			"fleet.yaml:1:61: app.slots.instances: must list exactly 2 instances, got 1"},
		{"three instances", "app: {name: hello, slots: {unit: hello@.service, instances: [{name: a, port: 1}, {name: b, port: 2}, {name: c, port: 3}]}}\n" + hostsOK,
			"fleet.yaml:1:61: app.slots.instances: must list exactly 2 instances, got 3"},
		{"instances a mapping", "app: {name: hello, slots: {unit: hello@.service, instances: {a: 1}}}\n" + hostsOK,
			"fleet.yaml:1:61: app.slots.instances: must be a list, got a mapping"},
		{"duplicate name", "app: {name: hello, slots: {unit: hello@.service, instances: [{name: a, port: 1}, {name: a, port: 2}]}}\n" + hostsOK,
			"fleet.yaml:1:89: app.slots.instances[1].name: duplicate slot name a (also instances[0])"},
		{"duplicate port", "app: {name: hello, slots: {unit: hello@.service, instances: [{name: a, port: 1}, {name: b, port: 1}]}}\n" + hostsOK,
			"fleet.yaml:1:98: app.slots.instances[1].port: duplicate port 1 (also instances[0])"},
		{"port zero", "app: {name: hello, slots: {unit: hello@.service, instances: [{name: a, port: 0}, {name: b, port: 2}]}}\n" + hostsOK,
			"fleet.yaml:1:78: app.slots.instances[0].port: must be between 1 and 65535, got 0"},
		{"port too large", "app: {name: hello, slots: {unit: hello@.service, instances: [{name: a, port: 1}, {name: b, port: 70000}]}}\n" + hostsOK,
			"fleet.yaml:1:98: app.slots.instances[1].port: must be between 1 and 65535, got 70000"},
		{"name with plus", "app: {name: hello, slots: {unit: hello@.service, instances: [{name: a, port: 1}, {name: b+c, port: 2}]}}\n" + hostsOK,
			"fleet.yaml:1:89: app.slots.instances[1].name: must not contain '+', which systemd unit names cannot hold"},
		{"name with slash", "app: {name: hello, slots: {unit: hello@.service, instances: [{name: a/b, port: 1}, {name: b, port: 2}]}}\n" + hostsOK,
			"fleet.yaml:1:69: app.slots.instances[0].name: must not contain '/'"},
		{"port missing", "app: {name: hello, slots: {unit: hello@.service, instances: [{name: a}, {name: b, port: 2}]}}\n" + hostsOK,
			"fleet.yaml:1:62: app.slots.instances[0].port: is required"},
		{"instance unknown field", "app: {name: hello, slots: {unit: hello@.service, instances: [{name: a, port: 1, weight: 2}, {name: b, port: 2}]}}\n" + hostsOK,
			"fleet.yaml:1:81: app.slots.instances[0].weight: unknown field"},
		{"instance unit too long", "app: {name: hello, slots: {unit: " + strings.Repeat("a", 244) + "@.service, instances: [{name: abcdef, port: 1}, {name: b, port: 2}]}}\n" + hostsOK,
			"app.slots.instances[0].name: makes the unit " + strings.Repeat("a", 244) + "@abcdef.service, which must be at most 255 characters"},
		{"blue_green without slots", appOK + "strategy: {blue_green: true}\n" + hostsOK,
			"fleet.yaml:2:24: strategy.blue_green: needs app.slots: blue/green flips between two instances per host"},
	})
}

func TestParse_HostSlotsErrors(t *testing.T) {
	const slotsOnly = "app:\n  name: hello\n  slots: {unit: hello@.service, instances: [{name: a, port: 1}, {name: b, port: 2}]}\n"
	runErrorCases(t, []errorCase{
		{"slots true without app.slots", appOK + "groups:\n  - name: web\n    slots: true\n    hosts: [web1]\n",
			"fleet.yaml:4:12: groups[0].slots: app.slots is not set, so there are no slots to run"},
		{"host slots true without app.slots", appOK + "groups:\n  - name: web\n    hosts: [{name: web1, slots: true}]\n",
			"fleet.yaml:4:33: groups[0].hosts[0].slots (host web1): app.slots is not set, so there are no slots to run"},
		{"slots word", appOK + "groups:\n  - name: web\n    slots: no\n    hosts: [web1]\n",
			`fleet.yaml:4:12: groups[0].slots: must be true or false, got "no"`},
		{"host slots typo", appOK + "groups:\n  - name: web\n    hosts: [{name: web1, slts: false}]\n",
			`fleet.yaml:4:26: groups[0].hosts[0].slts (host web1): unknown field (did you mean "slots"?)`},
		{"opt out with consul but no port", slotsOnly + "  consul: {}\ngroups:\n  - name: web\n    hosts: [web1, {name: web2, slots: false}]\n",
			"fleet.yaml:7:39: groups[0].hosts[1].slots (host web2): app.consul registers every instance at its port, so hosts without slots need app.consul.port"},
		{"group opts out while a check uses {port}", slotsOnly + "  health: {checks: [{tcp: {address: '127.0.0.1:{port}'}}]}\ngroups:\n  - name: web\n    slots: false\n    hosts: [web1]\n",
			"fleet.yaml:7:12: groups[0].slots: app.health.checks[0].tcp.address uses {port}, so hosts without slots need app.consul.port"},
	})
}

func TestParse_PortPlaceholderErrors(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"http url without any instance port", "app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:{port}/'}}]}}\n" + hostsOK,
			"fleet.yaml:1:51: app.health.checks[0].http.url: uses {port}, but there is no instance port to put there; set app.slots or app.consul.port"},
		{"tcp address without any instance port", "app: {name: hello, health: {checks: [{tcp: {address: '127.0.0.1:{port}'}}]}}\n" + hostsOK,
			"fleet.yaml:1:54: app.health.checks[0].tcp.address: uses {port}, but there is no instance port to put there; set app.slots or app.consul.port"},
		{"tcp placeholder in host", "app: {name: hello, consul: {port: 1}, health: {checks: [{tcp: {address: '{port}:80'}}]}}\n" + hostsOK,
			`app.health.checks[0].tcp.address: may use {port} for the port, not in the host, got "{port}:80"`},
		{"http placeholder in host", "app: {name: hello, consul: {port: 1}, health: {checks: [{http: {url: 'http://a{port}b:80/'}}]}}\n" + hostsOK,
			`app.health.checks[0].http.url: may use {port} for the port, not in the host, got "http://a{port}b:80/"`},
	})
}

func TestParse_PortPlaceholderResolvable(t *testing.T) {
	for name, app := range map[string]string{
		"consul port": "app: {name: hello, consul: {port: 8080}, health: {checks: [{tcp: {address: '127.0.0.1:{port}'}}]}}\n",
		"slots": "app: {name: hello, slots: {unit: hello@.service, instances: [{name: a, port: 1}, {name: b, port: 2}]}, " +
			"health: {checks: [{http: {url: 'http://127.0.0.1:{port}/x?port={port}'}}]}}\n",
	} {
		t.Run(name, func(t *testing.T) { mustParse(t, app+hostsOK) })
	}
}

func TestParse_Canary(t *testing.T) {
	inv := mustParse(t, appOK+"strategy: {canary: 2, canary_bake: 1m, pause_after_canary: true}\n"+hostsOK)
	want := Strategy{MaxUnavailable: "1", MaxSurge: "0", MaxFailures: "0", AutoRollback: true, Parallel: 20, Stage: StageBefore,
		Canary: "2", CanaryBake: time.Minute, PauseAfterCanary: true}
	if !reflect.DeepEqual(inv.Strategy, want) {
		t.Errorf("Strategy = %+v, want %+v", inv.Strategy, want)
	}
	if got := mustParse(t, appOK+"strategy: {canary: 25%}\n"+hostsOK).Strategy.Canary; got != "25%" {
		t.Errorf("Canary = %q, want 25%%", got)
	}
}

func TestParse_CanaryErrors(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"canary word", appOK + "strategy: {canary: x}\n" + hostsOK,
			`fleet.yaml:2:20: strategy.canary: must be a count such as 1 or a percentage such as 25%, got "x"`},
		{"canary over 100%", appOK + "strategy: {canary: 150%}\n" + hostsOK, `fleet.yaml:2:20: strategy.canary: must be at most 100%, got "150%"`},
		{"canary negative", appOK + "strategy: {canary: -1}\n" + hostsOK, `fleet.yaml:2:20: strategy.canary: must not be negative, got "-1"`},
		{"canary fraction", appOK + "strategy: {canary: 0.5}\n" + hostsOK,
			"fleet.yaml:2:20: strategy.canary: must be a count such as 1 or a percentage such as 25%, got a number"},
		{"bake without canary", appOK + "strategy: {canary_bake: 30s}\n" + hostsOK,
			"fleet.yaml:2:25: strategy.canary_bake: is set, but canary is 0, so there is nothing to bake; set canary"},
		{"pause without canary", appOK + "strategy: {pause_after_canary: true}\n" + hostsOK,
			"fleet.yaml:2:32: strategy.pause_after_canary: is true, but canary is 0, so there is nothing to pause after; set canary"},
		{"pause with a 0% canary", appOK + "strategy: {canary: 0%, pause_after_canary: true}\n" + hostsOK,
			"fleet.yaml:2:44: strategy.pause_after_canary: is true, but canary is 0%"},
		{"bake negative", appOK + "strategy: {canary: 1, canary_bake: -1s}\n" + hostsOK, "fleet.yaml:2:36: strategy.canary_bake: must not be negative"},
		{"pause word", appOK + "strategy: {canary: 1, pause_after_canary: yes}\n" + hostsOK,
			`fleet.yaml:2:43: strategy.pause_after_canary: must be true or false, got "yes"`},
		{"blue_green word", appOK + "strategy: {blue_green: 1}\n" + hostsOK, "fleet.yaml:2:24: strategy.blue_green: must be true or false, got an integer"},
	})
}
