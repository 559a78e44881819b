package deploy

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/inventory/ansible"
)

// TestReadsAsAnsible: a YAML mapping of groups (or an INI file not named
// *.yaml) is an Ansible inventory; anything else is a fleet.yaml. With
// --app, only what has fleet.yaml's own keys is a fleet.yaml, so the
// Ansible reader explains a plugin config or a misspelt group key.
func TestReadsAsAnsible(t *testing.T) {
	for _, tc := range []struct {
		file, data string
		withApp    bool
		want       bool
	}{
		{"fleet.yaml", "app:\n  name: x\ngroups: []\n", false, false},
		{"fleet.yaml", "app: [broken\n", false, false},
		{"fleet.yaml", "", false, false},
		{"hosts", "[web]\nweb1\n", false, true},
		{"hosts", "web1 ansible_host=10.0.0.1\n", false, true},
		{"hosts.yml", "all:\n  children:\n    web:\n      hosts:\n        web1:\n", false, true},
		{"hosts.yml", "web:\n  hosts: {web1: }\napp:\n  vars: {a: 1}\n", false, true},
		{"inventory.yml", "app:\n  hosts: {a: }\n  units: [x]\n", false, false},
		// Ansible's own keys, whatever the rest says.
		{"constructed.yml", "plugin: ansible.builtin.constructed\nstrict: false\n", false, true},
		{"hosts.yml", "all:\n  hosts: {web1: }\n  var: {zone: a}\n", false, true},
		// With --app: a fleet.yaml, or the settings file itself, is a
		// fleet.yaml given by mistake; anything else is for the Ansible reader.
		{"fleet.yaml", "app:\n  name: x\ngroups:\n  - {name: web, hosts: [web1]}\n", true, false},
		{"app.yaml", "app:\n  name: x\nssh: {user: deploy}\n", true, false},
		{"hosts.yml", "web:\n  hosts: {web1: }\n  var: {zone: a}\n", true, true},
		{"hosts.yml", "plugin: constructed\n", true, true},
		{"hosts.yml", "all: [broken\n", true, true},
		{"inventory.yml", "app:\n  hosts: {a: }\n  units: [x]\n", true, true},
	} {
		if got := readsAsAnsible(tc.file, []byte(tc.data), tc.withApp); got != tc.want {
			t.Errorf("readsAsAnsible(%s, %q, %v) = %v", tc.file, tc.data, tc.withApp, got)
		}
	}
}

// checkout loads testdata/ansible/hosts.ini, the checkout team's
// inventory, with its --app file.
func checkout(t *testing.T, limit string, skip bool) (*Source, error) {
	t.Helper()
	return LoadSource(t.Context(), SourceOptions{Inventory: "testdata/ansible/hosts.ini", App: "testdata/ansible/app.yaml",
		Limit: limit, SkipNonSSH: skip})
}

func hostNames(hs []inventory.Host) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Name)
	}
	return out
}

// TestLoadSource_AnsibleLimit: --limit is read as ansible --limit reads
// it, and the source holds only the hosts it selects, each with its own
// key file where the inventory sets one.
func TestLoadSource_AnsibleLimit(t *testing.T) {
	s, err := checkout(t, "checkout:!canary", false)
	if err != nil {
		t.Fatalf("LoadSource: %v", err)
	}
	want := []string{"web1.example.com", "web2.example.com", "worker1.example.com", "worker2.example.com"}
	if got := hostNames(s.Inventory.Hosts); !slices.Equal(got, want) {
		t.Errorf("hosts %v, want %v", got, want)
	}
	if s.Total != 7 || s.Limit("checkout:!canary") != "" {
		t.Errorf("total %d, limit left %q", s.Total, s.Limit("checkout:!canary"))
	}
	byName := map[string]inventory.Host{}
	for _, h := range s.Inventory.Hosts {
		byName[h.Name] = h
	}
	if got := byName["worker1.example.com"].SSH.IdentityFiles; !slices.Equal(got, []string{"/etc/fleet/keys/worker_ed25519"}) {
		t.Errorf("worker1 identity files %v", got)
	}
	if got := byName["worker2.example.com"].SSH.IdentityFiles; !slices.Equal(got, []string{"/etc/fleet/keys/fleet_ed25519"}) {
		t.Errorf("worker2 identity files %v, want the --app file's", got)
	}
	// The SSH connection deploy opens for worker1 uses its key.
	if cfg := sshConfig(byName["worker1.example.com"].SSH, nil); !slices.Equal(cfg.IdentityFiles, []string{"/etc/fleet/keys/worker_ed25519"}) ||
		cfg.User != "deploy" {
		t.Errorf("worker1's ssh config: %+v", cfg)
	}

	s, err = checkout(t, "web[0:1]", false)
	if err != nil || !slices.Equal(hostNames(s.Inventory.Hosts), []string{"web1.example.com", "web2.example.com"}) {
		t.Errorf("web[0:1]: %v, %v", s, err)
	}
	// A fleet.yaml keeps its --limit for inventory.Select.
	f, err := LoadSource(t.Context(), SourceOptions{Inventory: "../inventory/testdata/fleet.yaml", Limit: "web"})
	if err != nil || f.Limit("web") != "web" || f.Total != len(f.Inventory.Hosts) || f.Direct != nil {
		t.Errorf("fleet.yaml: limit %q, total %d, %v", f.Limit("web"), f.Total, err)
	}
}

// TestLoadSource_AnsibleWarnings: the settings fleet does not honour are
// warned about once each, where set, for the selected hosts only; the one
// that turns host key checking off is marked.
func TestLoadSource_AnsibleWarnings(t *testing.T) {
	s, err := checkout(t, "web", false)
	if err != nil {
		t.Fatalf("LoadSource: %v", err)
	}
	if len(s.Warnings) != 2 {
		t.Fatalf("warnings %+v, want become and ssh_common_args", s.Warnings)
	}
	become, args := s.Warnings[0], s.Warnings[1]
	if become.Security || !strings.HasPrefix(become.Text, "testdata/ansible/hosts.ini:23: ansible_become: not read:") {
		t.Errorf("become: %+v", become)
	}
	if !args.Security || !strings.HasPrefix(args.Text, "testdata/ansible/hosts.ini:24: ansible_ssh_common_args: not read:") ||
		!strings.Contains(args.Text, "StrictHostKeyChecking=no and UserKnownHostsFile=/dev/null would turn host key checking off, which is never honoured") {
		t.Errorf("ssh_common_args: %+v", args)
	}
	if s, err := checkout(t, "checkout", false); err != nil || len(s.Warnings) != 2 {
		t.Errorf("checkout: the 5 hosts share the 2 warnings: %+v, %v", s, err)
	}
}

// TestLoadSource_AnsibleRefusesSelectedOnly: the local control node and
// the templated legacy address refuse a run only when selected; with
// SkipNonSSH the control node is left out with a warning.
func TestLoadSource_AnsibleRefusesSelectedOnly(t *testing.T) {
	if _, err := checkout(t, "checkout", false); err != nil {
		t.Fatalf("checkout: %v", err)
	}
	_, err := checkout(t, "", false)
	var hes ansible.HostErrors
	if !errors.As(err, &hes) || len(hes) != 2 || !errors.Is(err, ansible.ErrNotSSH) || !errors.Is(err, ansible.ErrTemplate) {
		t.Fatalf("all hosts: %v", err)
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{
		`testdata/ansible/hosts.ini:28: ansible_connection (host localhost): connection "local" is not SSH`,
		`testdata/ansible/hosts.ini:31: ansible_host (host legacy1.example.com): Jinja2 is not evaluated: set a literal address`,
		`testdata/ansible/hosts.ini: to deploy to the other hosts, leave those not reached over SSH out of --limit, or pass --skip-non-ssh to skip them with a warning each`,
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d:\n got %s\nwant %s…", i+1, lines[i], w)
		}
	}

	s, err := checkout(t, "web1*,control", true)
	if err != nil {
		t.Fatalf("skip: %v", err)
	}
	if got := hostNames(s.Inventory.Hosts); !slices.Equal(got, []string{"web1.example.com"}) {
		t.Errorf("skip: hosts %v", got)
	}
	if !slices.ContainsFunc(s.Warnings, func(w SourceWarning) bool {
		return w.Text == `testdata/ansible/hosts.ini:28: ansible_connection (host localhost): connection "local" is not SSH: host left out`
	}) {
		t.Errorf("skip: warnings %+v", s.Warnings)
	}
	_, err = checkout(t, "control", true)
	if !errors.Is(err, ansible.ErrNotSSH) || strings.Contains(err.Error(), "--skip-non-ssh") {
		t.Errorf("only non-SSH hosts, skipped: %v", err)
	}
	_, err = checkout(t, "nosuch", false)
	var pe *inventory.PatternError
	if !errors.As(err, &pe) || !errors.Is(err, inventory.ErrNoMatch) ||
		!strings.HasPrefix(err.Error(), `testdata/ansible/hosts.ini: limit term "nosuch" matches no host or group`) {
		t.Errorf("nosuch: %v", err)
	}
}

// TestLoadSource_AnsibleReaderDecides: with --app, or for a plugin's
// configuration, the Ansible reader's message reaches the user, not
// fleet.yaml's.
func TestLoadSource_AnsibleReaderDecides(t *testing.T) {
	app := "testdata/ansible/app.yaml"
	for _, tc := range []struct {
		file, app, want string
	}{
		{"testdata/ansible/constructed.yml", app, "testdata/ansible/constructed.yml:3:1: this is the configuration of inventory plugin ansible.builtin.constructed, not an inventory: " +
			"fleet does not run inventory plugins; write the inventory it makes to a file with ansible-inventory -i testdata/ansible/constructed.yml --list --yaml > hosts.yml"},
		{"testdata/ansible/constructed.yml", "", "inventory plugin ansible.builtin.constructed"},
		{"testdata/ansible/typo.yml", app, `testdata/ansible/typo.yml:7:7: group web has unknown key "var" (did you mean "vars"?)`},
		{"testdata/ansible/typo.yml", "", "testdata/ansible/typo.yml is an Ansible inventory: name the app"},
		{"../inventory/testdata/fleet.yaml", app, "is a fleet inventory with its own app settings"},
		{app, app, "is a fleet inventory with its own app settings"},
	} {
		_, err := LoadSource(t.Context(), SourceOptions{Inventory: tc.file, App: tc.app})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s with --app %q: %v\nwant %s", tc.file, tc.app, err, tc.want)
		}
	}
}

// TestLoadSource_AnsibleDirectGroups: a host's group is the one it is
// listed in first, not a parent; Direct has all it is listed in.
func TestLoadSource_AnsibleDirectGroups(t *testing.T) {
	s, err := checkout(t, "checkout", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range s.Inventory.Hosts {
		want := map[string]string{"web3.example.com": "web,canary", "worker1.example.com": "worker"}[h.Name]
		if got := strings.Join(s.Direct[h.Name], ","); want != "" && got != want {
			t.Errorf("%s: direct %s, want %s", h.Name, got, want)
		}
		if strings.HasPrefix(h.Name, "web") && h.Group != "web" {
			t.Errorf("%s: group %s", h.Name, h.Group)
		}
	}
}
