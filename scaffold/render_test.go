package scaffold_test

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/scaffold"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the renderers")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs (go test ./scaffold -update rewrites it); got:\n%s", path, got)
	}
}

// TestRender_Golden pins the text a user reads first, comments included,
// for a non-root user with hosts from ~/.ssh/config and for root with
// another ssh_config.
func TestRender_Golden(t *testing.T) {
	deploy := scaffold.Options{Name: "hello", Hosts: []string{"web1", "web2"}}
	golden(t, "deploy.fleet.yaml.golden", scaffold.Inventory(deploy))
	golden(t, "deploy.service.golden", scaffold.UnitFile(deploy))
	root := scaffold.Options{Name: "api", Binary: "api-server", Root: "/srv/api", Port: 9000, HealthPath: "ready",
		User: "root", SSHConfig: "/home/me/.ssh/lab_config", Hosts: []string{"10.0.0.11", "true"}}
	golden(t, "root.fleet.yaml.golden", scaffold.Inventory(root))
	golden(t, "root.service.golden", scaffold.UnitFile(root))
}

// TestInventory_Loads: what Inventory renders is a fleet.yaml the real
// inventory package loads, resolving to the options it was made from.
func TestInventory_Loads(t *testing.T) {
	t.Setenv("HOME", "/home/me")
	tests := []struct {
		name string
		o    scaffold.Options
		// the resolved app: binary, root, unit, check URL
		binary, root, unit, url string
		user                    string
		sudo                    bool
		config                  string
	}{
		{name: "defaults", o: scaffold.Options{Name: "hello", Hosts: []string{"web1"}},
			binary: "hello", root: "/opt/hello", unit: "hello.service", url: "http://127.0.0.1:8080/healthz", user: "deploy", sudo: true},
		{name: "everything set, root", o: scaffold.Options{Name: "api", Binary: "api-server", Root: "/srv/api", Unit: "api-web.service",
			Port: 9000, HealthPath: "/-/ready", User: "root", SSHConfig: "~/.ssh/lab_config",
			Hosts: []string{"10.0.0.11", "db1.internal.example.com", "web_1"}},
			binary: "api-server", root: "/srv/api", unit: "api-web.service", url: "http://127.0.0.1:9000/-/ready", user: "root",
			config: "/home/me/.ssh/lab_config"},
		{name: "names YAML would read as other types", o: scaffold.Options{Name: "yes", Binary: "null", User: "_svc",
			Hosts: []string{"true", "on", "null", "0x10", "off", "1e3"}},
			binary: "null", root: "/opt/yes", unit: "yes.service", url: "http://127.0.0.1:8080/healthz", user: "_svc", sudo: true},
		{name: "a path with spaces, a port at the top", o: scaffold.Options{Name: "svc", Port: 65535,
			SSHConfig: "/etc/fleet/ssh config", Hosts: []string{"h1"}},
			binary: "svc", root: "/opt/svc", unit: "svc.service", url: "http://127.0.0.1:65535/healthz", user: "deploy", sudo: true,
			config: "/etc/fleet/ssh config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := scaffold.Inventory(tt.o)
			inv, err := inventory.Parse("fleet.yaml", data)
			if err != nil {
				t.Fatalf("the rendered file does not load: %v\n%s", err, data)
			}
			a := inv.App
			if a.Name != tt.o.Name || a.Binary != tt.binary || a.Root != tt.root || !slices.Equal(a.Units, []string{tt.unit}) {
				t.Errorf("app = %s %s %s %v, want %s %s %s [%s]", a.Name, a.Binary, a.Root, a.Units, tt.o.Name, tt.binary, tt.root, tt.unit)
			}
			if len(a.Health.Checks) != 1 || a.Health.Checks[0].HTTP == nil || a.Health.Checks[0].HTTP.URL != tt.url {
				t.Errorf("checks = %+v, want one HTTP check of %s", a.Health.Checks, tt.url)
			}
			var names []string
			for _, h := range inv.Hosts {
				names = append(names, h.Name)
				if h.Address != h.Name || h.Group != tt.o.Name || h.SSH.User != tt.user || h.SSH.Sudo != tt.sudo || h.SSH.Config != tt.config {
					t.Errorf("host %+v, want address %s, group %s, user %s, sudo %t, config %q", h, h.Name, tt.o.Name, tt.user, tt.sudo, tt.config)
				}
				if h.SSH.KnownHosts != "/home/me/.ssh/known_hosts" || h.SSH.HostKeyCheck != inventory.HostKeyStrict {
					t.Errorf("host %s: known_hosts %s (%s), want ~/.ssh/known_hosts, strict", h.Name, h.SSH.KnownHosts, h.SSH.HostKeyCheck)
				}
			}
			if !slices.Equal(names, tt.o.Hosts) {
				t.Errorf("hosts %q, want %q", names, tt.o.Hosts)
			}
			s := inv.Strategy
			if s.MaxUnavailable != "1" || s.MaxFailures != "0" || !s.AutoRollback {
				t.Errorf("strategy %+v, want one host at a time, no failure, auto-rollback", s)
			}
		})
	}
}

// TestInventory_BadInputIsTheInventorysToRefuse: scaffold renders what it
// is given; the inventory's rules refuse a bad name, naming the field, so
// fleet init writes nothing.
func TestInventory_BadInputIsTheInventorysToRefuse(t *testing.T) {
	for _, tt := range []struct {
		o    scaffold.Options
		want string
	}{
		{scaffold.Options{Name: "my app", Hosts: []string{"web1"}}, "app.name"},
		{scaffold.Options{Name: "hello", Hosts: []string{"2001:db8::1"}}, "groups[0].hosts[0]"},
		{scaffold.Options{Name: "hello", Root: "opt/hello", Hosts: []string{"web1"}}, "app.root"},
		{scaffold.Options{Name: "hello"}, "groups"},
	} {
		_, err := inventory.Parse("fleet.yaml", scaffold.Inventory(tt.o))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want an error at %s", tt.o, err, tt.want)
		}
	}
}

// TestUnitFile_RunsTheCurrentRelease: the unit runs the binary through
// the current symlink and listens where the check asks.
func TestUnitFile_RunsTheCurrentRelease(t *testing.T) {
	u := string(scaffold.UnitFile(scaffold.Options{Name: "api", Binary: "api-server", Root: "/srv/api", Port: 9000}))
	for _, want := range []string{"\nExecStart=/srv/api/current/api-server\n", "\nEnvironment=PORT=9000\n", "# api.service, written by fleet init",
		"http://127.0.0.1:9000/healthz", "\n[Install]\nWantedBy=multi-user.target\n"} {
		if !strings.Contains(u, want) {
			t.Errorf("the unit lacks %q:\n%s", want, u)
		}
	}
}
