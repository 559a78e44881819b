//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// proxyInventory writes an ssh_config holding config and an inventory that
// reads it (writeInventory's own says `config: none`).
func (l *lab) proxyInventory(t *testing.T, config string) string {
	t.Helper()
	sshConfig := filepath.Join(t.TempDir(), "ssh_config")
	if err := os.WriteFile(sshConfig, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	inv := l.writeInventory(t, inventoryOptions{})
	data, err := os.ReadFile(inv)
	if err != nil {
		t.Fatal(err)
	}
	withConfig := strings.Replace(string(data), "\n  config: none", "\n  config: "+sshConfig, 1)
	if withConfig == string(data) {
		t.Fatalf("%s has no `config: none` line to replace:\n%s", inv, data)
	}
	if err := os.WriteFile(inv, []byte(withConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	return inv
}

// Through ssh_config's ProxyCommand, the classic bastion set-up
// `ssh -W %h:%p bastion` run by OpenSSH itself, fleet reaches the other
// hosts: their sshd sees the connection come from the bastion, the release
// is switched on the hosts, and no proxy process outlives fleet.
func TestProxyCommand_RolloutThroughSSHW(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	// A copy of the lab's ssh_config at a path of this test's own, so that
	// a proxy left running is recognisable by its command line.
	labConfig, err := os.ReadFile(l.sshConfig)
	if err != nil {
		t.Fatal(err)
	}
	proxyConfig := filepath.Join(t.TempDir(), "proxy_ssh_config")
	if err := os.WriteFile(proxyConfig, labConfig, 0o600); err != nil {
		t.Fatal(err)
	}
	bastion := l.addrs[0]
	inv := l.proxyInventory(t, fmt.Sprintf("Host %s\n  ProxyCommand ssh -F %s -W %%h:%%p %s\n",
		strings.Join(l.addrs[1:], " "), proxyConfig, l.names[0]))
	targets := strings.Join(l.names[1:], ",")
	since := l.ssh(t, l.names[1], "date +%s")

	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--limit", targets, "--artifact", l.hello["v1"], "--version", "v1")
	if r.code != 0 {
		t.Fatalf("rollout through ProxyCommand via %s: exit %d\n%s", bastion, r.code, r.stdout)
	}
	for i := 1; i < len(l.names); i++ {
		if s := l.state(t, i); s.current != "v1" || s.version != "v1" {
			t.Errorf("%s: current=%q /healthz=%q, want v1", l.names[i], s.current, s.version)
		}
	}
	if s := l.state(t, 0); s.current != "" {
		t.Errorf("%s (the bastion, not in --limit) got release %q", l.names[0], s.current)
	}
	log := l.ssh(t, l.names[1], "journalctl -u ssh --since @"+since+" --no-pager -o cat | grep Accepted || true")
	if !strings.Contains(log, "from "+bastion+" ") {
		t.Errorf("%s's sshd saw no login from the bastion %s:\n%s", l.names[1], bastion, log)
	}
	if left := processesMentioning(t, proxyConfig); len(left) > 0 {
		t.Errorf("proxy commands still running after fleet exited:\n%s", strings.Join(left, "\n"))
	}
}

// A ProxyCommand that fails is reported with what it said on stderr and
// its exit status, is retried a bounded number of times (not forever), and
// nothing changes on the host.
func TestProxyCommand_FailureIsReported(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	// The words come together only on stderr, so finding them in fleet's
	// output proves the stderr was captured, not just the command echoed.
	inv := l.proxyInventory(t, fmt.Sprintf("Host %s\n  ProxyCommand sh -c 'echo proxy refused by $0 >&2; exit 1' policy\n", l.addrs[1]))

	start := time.Now()
	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--limit", l.names[1], "--artifact", l.hello["v1"], "--version", "v1")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3 (host unreachable before any change)", r.code)
	}
	if elapsed := time.Since(start); elapsed > 60*time.Second {
		t.Errorf("rollout took %s to give up on a failing ProxyCommand", elapsed)
	}
	for _, want := range []string{l.names[1], "proxy refused by policy", "exited with status 1"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	if out := l.ssh(t, l.names[1], "ls -A /opt/hello/releases 2>/dev/null | wc -l"); out != "0" {
		t.Errorf("%s: %s releases present, want none", l.names[1], out)
	}
}

// `ProxyCommand none` in a host's own block beats a ProxyCommand that
// `Host *` gives everyone, as in OpenSSH: fleet connects directly.
func TestProxyCommand_NoneConnectsDirectly(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	host := 2
	inv := l.proxyInventory(t, fmt.Sprintf("Host %s\n  ProxyCommand none\n\nHost *\n  ProxyCommand sh -c 'echo should not run >&2; exit 1'\n", l.addrs[host]))

	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--limit", l.names[host], "--artifact", l.hello["v1"], "--version", "v1")
	if r.code != 0 {
		t.Fatalf("rollout with ProxyCommand none: exit %d\n%s", r.code, r.stderr)
	}
	if s := l.state(t, host); s.current != "v1" || s.version != "v1" {
		t.Errorf("%s: current=%q /healthz=%q, want v1", l.names[host], s.current, s.version)
	}
}

// processesMentioning lists the command lines of running processes that
// contain s.
func processesMentioning(t *testing.T, s string) []string {
	t.Helper()
	paths, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(b, []byte(s)) {
			continue // gone meanwhile, or not ours
		}
		out = append(out, filepath.Base(filepath.Dir(p))+": "+string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})))
	}
	return out
}
