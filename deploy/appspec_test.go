package deploy

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/inventory"
)

// specCandidates are values for the fields of an app spec, good and bad
// for one field or another; TestAppSpec_SameRulesAsTheAgent writes each
// into every field.
var specCandidates = []string{
	// names, versions, roots
	"hello", "7", "a.1", "blue", "g_2-x", "a..b", "a+b", "_x", "a@b", "-x", ".x", "release.json", "a b", "ünï",
	strings.Repeat("a", 128), strings.Repeat("a", 129),
	"/opt/hello", "/opt/.hello", "/opt/-x", "/opt/_x", "/opt/a@b", "/opt//x", "/opt/x/", "/", "opt/x",
	"/opt/../x", "/srv/a+b", "/opt/a..b", "/etc/fleet/token", "~/token",
	// units and templates
	"hello.service", "hello@1.service", "hello@.service", "-x.service", "a@b@c.service", `a\b.service`,
	`a\x2db.service`, "@x.service", ".service", "a b.service", "a+b.service", "a:b_c.target", "x.socket",
	"hello@.socket", "a@b@.service", "@.service", "-x@.service", strings.Repeat("u", 250) + "@.service",
	// URLs, addresses, programs
	"http://127.0.0.1:8080/healthz", "https://x/", "http://127.0.0.1:{port}/", "ftp://x/", "http:///x",
	"http://:8080/", "http://{port}/", "127.0.0.1:8080", "127.0.0.1:{port}", "[::1]:80", ":8080", "{port}:80",
	"x:0", "x:65536", "localhost", "localhost:http", "/bin/true", "true", "/bin/../bin/true",
	// Consul
	"web", "hello-web", "he.llo", "team", "consul-x", "version", "a b", "x\x00",
}

// specField is one field of the app spec: an inventory that sets it to
// the quoted candidate, and the same change made to the agent's spec.
type specField struct {
	name string
	good string                // a value both accept, for the base spec
	yaml func(q string) string // the inventory's app section
	set  func(*appspec.Spec, string)
}

const specCheck = `health: {checks: [{systemd: {unit: hello.service}}]}`

var specFields = []specField{
	{"name", "hello", func(q string) string {
		return "{name: " + q + ", binary: hello, units: [hello.service], " + specCheck + "}"
	},
		func(s *appspec.Spec, v string) { s.Name = v }},
	{"binary", "hello", func(q string) string { return "{name: hello, binary: " + q + ", " + specCheck + "}" },
		func(s *appspec.Spec, v string) { s.Binary = v }},
	{"root", "/opt/hello", func(q string) string { return "{name: hello, root: " + q + ", " + specCheck + "}" },
		func(s *appspec.Spec, v string) { s.Root = v }},
	{"units", "hello.service", func(q string) string { return "{name: hello, units: [" + q + "], " + specCheck + "}" },
		func(s *appspec.Spec, v string) { s.Units = []string{v} }},
	{"systemd check", "hello.service", func(q string) string {
		return "{name: hello, health: {checks: [{systemd: {unit: " + q + "}}]}}"
	}, func(s *appspec.Spec, v string) { s.Health.Checks[0].Systemd.Unit = v }},
	{"http check", "https://x/", func(q string) string {
		return "{name: hello, health: {checks: [{http: {url: " + q + "}}]}, consul: {port: 8080, checks: [{tcp: 'h:1'}]}}"
	}, func(s *appspec.Spec, v string) { s.Health.Checks[0].HTTP.URL = v }},
	{"tcp check", "127.0.0.1:8080", func(q string) string {
		return "{name: hello, health: {checks: [{tcp: {address: " + q + "}}]}, consul: {port: 8080, checks: [{tcp: 'h:1'}]}}"
	}, func(s *appspec.Spec, v string) { s.Health.Checks[0].TCP.Address = v }},
	{"command check", "/bin/true", func(q string) string {
		return "{name: hello, health: {checks: [{command: {argv: [" + q + "]}}]}}"
	}, func(s *appspec.Spec, v string) { s.Health.Checks[0].Command.Argv = []string{v} }},
	{"slot name", "blue", func(q string) string {
		return "{name: hello, " + specCheck + ", slots: {unit: hello@.service, instances: [{name: " + q + ", port: 1}, {name: zz, port: 2}]}}"
	}, func(s *appspec.Spec, v string) { s.Slots.Instances[0].Name = v }},
	{"slots unit", "hello@.service", func(q string) string {
		return "{name: hello, " + specCheck + ", slots: {unit: " + q + ", instances: [{name: a, port: 1}, {name: b, port: 2}]}}"
	}, func(s *appspec.Spec, v string) { s.Slots.Unit = v }},
	{"consul service", "web", func(q string) string {
		return "{name: hello, " + specCheck + ", consul: {port: 8080, service: " + q + "}}"
	}, func(s *appspec.Spec, v string) { s.Consul.Service = v }},
	{"consul tag", "web", func(q string) string {
		return "{name: hello, " + specCheck + ", consul: {port: 8080, tags: [" + q + "]}}"
	},
		func(s *appspec.Spec, v string) { s.Consul.Tags = []string{v} }},
	{"consul meta key", "team", func(q string) string {
		return "{name: hello, " + specCheck + ", consul: {port: 8080, meta: {" + q + ": x}}}"
	},
		func(s *appspec.Spec, v string) { s.Consul.Meta = map[string]string{v: "x"} }},
	{"consul meta value", "team", func(q string) string {
		return "{name: hello, " + specCheck + ", consul: {port: 8080, meta: {k: " + q + "}}}"
	},
		func(s *appspec.Spec, v string) { s.Consul.Meta = map[string]string{"k": v} }},
	{"consul token_file", "/etc/fleet/token", func(q string) string {
		return "{name: hello, " + specCheck + ", consul: {port: 8080, token_file: " + q + "}}"
	}, func(s *appspec.Spec, v string) { s.Consul.TokenFile = v }},
	{"consul http check", "https://x/", func(q string) string {
		return "{name: hello, " + specCheck + ", consul: {port: 8080, checks: [{http: " + q + "}]}}"
	}, func(s *appspec.Spec, v string) { s.Consul.Checks[0].HTTP = v }},
	{"consul tcp check", "127.0.0.1:8080", func(q string) string {
		return "{name: hello, " + specCheck + ", consul: {port: 8080, checks: [{tcp: " + q + "}]}}"
	}, func(s *appspec.Spec, v string) { s.Consul.Checks[0].TCP = v }},
}

// parseApp parses an inventory with the given app section.
func parseApp(app string) (*inventory.Inventory, error) {
	return inventory.Parse("fleet.yaml", []byte("app: "+app+"\ngroups: [{name: web, hosts: [web1]}]\n"))
}

// TestAppSpec_SameRulesAsTheAgent: for every field of the app spec and
// every candidate value, the inventory loads exactly when the agent
// accepts the spec the controller would send. Both apply package
// appspec's rules; this fails the day one side grows a rule of its own.
func TestAppSpec_SameRulesAsTheAgent(t *testing.T) {
	for _, f := range specFields {
		loaded := 0
		for _, c := range specCandidates {
			// Parsed afresh each time: the spec shares the inventory's
			// checks, and f.set changes them.
			base, err := parseApp(f.yaml(strconv.Quote(f.good)))
			if err != nil {
				t.Fatalf("%s: the base inventory: %v", f.name, err)
			}
			spec, err := appSpec(base.App)
			if err != nil {
				t.Fatalf("%s: the base spec: %v", f.name, err)
			}
			f.set(&spec, c)
			agentErr := spec.Validate()
			_, invErr := parseApp(f.yaml(strconv.Quote(c)))
			if (invErr == nil) != (agentErr == nil) {
				t.Errorf("%s %q: inventory says %v; agent says %v", f.name, c, invErr, agentErr)
			}
			if invErr == nil {
				loaded++
			}
		}
		if loaded == 0 || loaded == len(specCandidates) {
			t.Errorf("%s: %d of %d candidates loaded; the list must hold good and bad ones", f.name, loaded, len(specCandidates))
		}
	}
}

// TestAppSpec_ConsulAddress: the agent also takes http(s)://host:port;
// the inventory only host:port. What the inventory takes, the agent does.
func TestAppSpec_ConsulAddress(t *testing.T) {
	for _, c := range append(specCandidates, "http://127.0.0.1:8500", "https://consul.local:8501", "[::1]:8500") {
		base, err := parseApp("{name: hello, " + specCheck + ", consul: {port: 8080}}")
		if err != nil {
			t.Fatal(err)
		}
		spec, err := appSpec(base.App)
		if err != nil {
			t.Fatal(err)
		}
		spec.Consul.Address = c
		_, invErr := parseApp("{name: hello, " + specCheck + ", consul: {port: 8080, address: " + strconv.Quote(c) + "}}")
		if agentErr := spec.Validate(); invErr == nil && agentErr != nil {
			t.Errorf("address %q: the inventory loads, the agent refuses: %v", c, agentErr)
		}
	}
}

// TestAppSpec_NoGateRefusedBeforeAnyHost: an app without a health check
// is refused when the inventory loads, and appSpec refuses such an app
// too, before any connection, as the agent's health op would after the
// switch.
func TestAppSpec_NoGateRefusedBeforeAnyHost(t *testing.T) {
	if _, err := parseApp("{name: hello}"); err == nil || !strings.Contains(err.Error(),
		"fleet.yaml:1:6: app.health.checks: no health check: a rollout could not tell a good release from a bad one") {
		t.Errorf("inventory without checks: %v", err)
	}
	base, err := parseApp("{name: hello, " + specCheck + "}")
	if err != nil {
		t.Fatal(err)
	}
	a := base.App
	a.Health.Checks = nil
	if _, err := appSpec(a); err == nil || !strings.Contains(err.Error(), "no health check") {
		t.Errorf("appSpec without checks = %v, want the no health check error", err)
	}
}

// FuzzAppSpec: whatever inventory loads, the agent accepts its spec and
// can run its health gate. Seeds: the inventories of examples/ and
// inventory/testdata.
func FuzzAppSpec(f *testing.F) {
	files, _ := filepath.Glob("../examples/*/fleet.yaml")
	files = append(files, "../inventory/testdata/fleet.yaml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("app: {name: hello, " + specCheck + "}\ngroups: [{name: web, hosts: [web1]}]\n"))
	f.Setenv("HOME", "/home/u")
	f.Setenv("CONSUL_HTTP_TOKEN", "0f1e2d3c")
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := inventory.Parse("fleet.yaml", data)
		if err != nil {
			return
		}
		if _, err := appSpec(inv.App); err != nil {
			t.Fatalf("the inventory loads, its spec is refused: %v", err)
		}
	})
}
