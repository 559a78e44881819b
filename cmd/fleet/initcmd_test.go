package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
)

// TestInit_ThenInventoryAndPlan: fleet init takes simulated hosts from an
// ssh_config (as aliases with HostName, Port and IdentityFile), and what
// it writes is an inventory fleet inventory lists and fleet plan runs
// against those hosts, through the deploy user's sudo.
func TestInit_ThenInventoryAndPlan(t *testing.T) {
	s := newSim(t, 2, hostsim.Options{}, "")
	home := t.TempDir()
	t.Setenv("HOME", home)
	var config, known strings.Builder
	config.WriteString("Host *\n  IdentitiesOnly yes\n")
	for _, h := range s.fleet.Hosts() {
		fmt.Fprintf(&config, "Host %s\n  HostName 127.0.0.1\n  Port %d\n  IdentityFile %s\n", h.Name(), h.Server().Port(), s.fleet.ClientKeyFile())
		known.WriteString(h.Server().KnownHostsLine() + "\n")
	}
	config.WriteString("Host bastion\n  HostName 192.0.2.1\n")
	writeInitFile(t, filepath.Join(home, ".ssh", "known_hosts"), known.String())
	cfg := writeInitFile(t, filepath.Join(home, ".ssh", "sim_config"), config.String())
	inv := filepath.Join(t.TempDir(), "fleet.yaml")

	r := runArgs(t.Context(), []string{"fleet", "init", "-i", inv, "--name", "hello", "--ssh-config", cfg, "--from-ssh-config", "sim*"})
	r.wantCode(t, exitOK)
	if !strings.HasPrefix(r.stdout, "# hello.service, written by fleet init") || !strings.Contains(r.stdout, "\nExecStart=/opt/hello/current/hello\n") {
		t.Errorf("stdout is not the unit:\n%s", r.stdout)
	}
	if want := "fleet init: wrote " + inv + ": hello on sim1, sim2 as deploy;"; !strings.HasPrefix(r.stderr, want) {
		t.Errorf("stderr %q, want it to start %q", r.stderr, want)
	}
	data, err := os.ReadFile(inv)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "  config: ~/.ssh/sim_config\n") || strings.Contains(string(data), "bastion") {
		t.Errorf("the file should read ~/.ssh/sim_config and hold sim1 and sim2 only:\n%s", data)
	}

	s.inv = inv
	r = s.run(t.Context(), "inventory")
	r.wantCode(t, exitOK)
	var rows []inventoryRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("inventory -o json: %v\n%s", err, r.stdout)
	}
	if len(rows) != 2 || rows[0].Host != "sim1" || rows[1].Host != "sim2" || rows[0].User != "deploy" {
		t.Errorf("inventory rows %+v", rows)
	}
	r = s.run(t.Context(), "plan", "-a", s.artifact("v1"), "--version", "v1")
	r.wantCode(t, exitOK)
	if sum := r.kind(t, "plan_summary"); len(sum) != 1 || sum[0].Result != "changes" || sum[0].Counts["update"] != 2 {
		t.Errorf("plan_summary %+v\n%s", sum, r.stdout)
	}
	for _, h := range s.fleet.Hosts() {
		if h.AgentSessions() == 0 {
			t.Errorf("%s: plan never started an agent there", h.Name())
		}
	}
}

// TestInit_RefusesAndWritesNothing: an existing file is never touched,
// and input the inventory would refuse writes no file; each exits 3 with
// one line saying why.
func TestInit_RefusesAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	existing := writeInitFile(t, filepath.Join(dir, "fleet.yaml"), "mine\n")
	fresh := filepath.Join(dir, "new.yaml")
	for _, tc := range []struct {
		name string
		args []string
		file string
		err  string
	}{
		{"ExistingFile", []string{"-i", existing, "--name", "hello", "web1"}, existing,
			"fleet: init: " + existing + ": exists; not overwritten: remove it, or write another file with -i\n"},
		{"NoHost", []string{"-i", fresh, "--name", "hello"}, fresh, "fleet: init: no host: name them (fleet init web1 web2)"},
		{"BadName", []string{"-i", fresh, "--name", "my app", "web1"}, fresh, `fleet: --name "my app": must not contain ' '` + "\n"},
		{"BadRoot", []string{"-i", fresh, "--name", "hello", "--root", "opt/hello", "web1"}, fresh, `fleet: --root "opt/hello": `},
		{"BadHost", []string{"-i", fresh, "--name", "hello", "web1", "2001:db8::1"}, fresh,
			`fleet: host "2001:db8::1": must not contain ':'` + "\n"},
		{"BadAddress", []string{"-i", fresh, "--name", "hello", "web+1"}, fresh,
			"groups[0].hosts[0] (host web+1): is used as the address, which must not contain '+'; set address\n"},
		{"BadPort", []string{"-i", fresh, "--name", "hello", "--port", "70000", "web1"}, fresh, "fleet: --port: must be between 1 and 65535, got 70000\n"},
		{"NoSSHConfig", []string{"-i", fresh, "--name", "hello", "--from-ssh-config", "web*"}, fresh, filepath.Join(dir, ".ssh", "config")},
		{"NoMatch", []string{"-i", fresh, "--name", "hello", "--ssh-config", existing, "--from-ssh-config", "web*"}, fresh,
			`no Host matches "web*" (hosts there: none)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.ReadFile(tc.file)
			r := runArgs(t.Context(), append([]string{"fleet", "init"}, tc.args...))
			r.wantCode(t, exitCannotStart)
			if !strings.Contains(r.stderr, tc.err) || strings.Count(r.stderr, "\n") != 1 || r.stdout != "" {
				t.Errorf("stderr %q, want one line with %q; stdout %q", r.stderr, tc.err, r.stdout)
			}
			if after, _ := os.ReadFile(tc.file); string(after) != string(before) {
				t.Errorf("%s changed: %q → %q", tc.file, before, after)
			}
		})
	}
}

// TestInit_HostsAndNameDefaults: HOST words and ssh_config hosts combine,
// each once; flags after the hosts count; the name defaults to the
// directory's.
func TestInit_HostsAndNameDefaults(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "billing")
	cfg := writeInitFile(t, filepath.Join(dir, "ssh_config"), "Host web1 web2\n")
	t.Chdir(dir)
	r := runArgs(t.Context(), []string{"fleet", "init", "web3", "web1", "--ssh-config", cfg, "--from-ssh-config", "web*", "--user", "root"})
	r.wantCode(t, exitOK)
	data, err := os.ReadFile(filepath.Join(dir, "fleet.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  name: billing\n", "  user: root\n  sudo: false\n", "    hosts:\n      - web3\n      - web1\n      - web2\n"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("fleet.yaml lacks %q:\n%s", want, data)
		}
	}
}

func writeInitFile(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
