//go:build e2e

package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// A release whose binary changed on the host after staging is refused
// before it is ever executed: the switch re-checks its checksum.
func TestSecurity_TamperedReleaseNeverRuns(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{})
	for _, v := range []string{"v1", "v2"} {
		if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello[v], "--version", v); r.code != 0 {
			t.Fatalf("rollout %s: exit %d", v, r.code)
		}
	}
	victim := l.names[0]
	l.ssh(t, victim, "printf '#!/bin/sh\\ntouch /tmp/pwned\\n' > /opt/hello/releases/v1/hello")
	pids := l.pids(t)
	r := l.fleet(t, "rollback", "-i", inv, "-o", "json", "--to", "v1")
	if r.code == 0 {
		t.Fatalf("rollback to a tampered release succeeded")
	}
	if !strings.Contains(r.stderr, "checksum_mismatch") {
		t.Errorf("error does not say checksum mismatch:\n%s", r.stderr)
	}
	if out := l.ssh(t, victim, "test -e /tmp/pwned && echo ran || echo never-ran"); out != "never-ran" {
		t.Errorf("%s: the tampered binary was executed", victim)
	}
	if s := l.state(t, 0); s.current != "v2" || s.version != "v2" || s.pid != pids[0] {
		t.Errorf("%s: %+v, want still serving v2 untouched (pid %s)", victim, s, pids[0])
	}
}

// The agent binary on the host is checked right before every run: a file
// changed there is never executed, it is replaced. Once a run has hashed
// it, its fingerprint (device, inode, size, mtime, ctime) stands in for
// the hash while it is unchanged (DESIGN.md): a rewrite in place that keeps
// the size, the inode and the mtime (touch -r) changes only the ctime, and
// must still be hashed, refused and replaced.
func TestSecurity_TamperedAgentNeverRuns(t *testing.T) {
	l := theLab
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // this test's own record of verified agents
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{})
	victim := l.names[1]
	// How the victim's agent was checked, last: a start by fingerprint
	// that fails is followed by the long way.
	checkedBy := func(r run) string {
		m := regexp.MustCompile(`msg=phase host=`+victim+` phase=agent_check took=\S+ by=(\w+)`).FindAllStringSubmatch(r.stderr, -1)
		if m == nil {
			return ""
		}
		return m[len(m)-1][1]
	}
	status := func(what string) run {
		t.Helper()
		r := l.fleet(t, "status", "-i", inv, "-o", "json", "--log-level", "debug")
		if r.code != 0 {
			t.Fatalf("status %s: exit %d\n%s", what, r.code, r.stderr)
		}
		return r
	}
	status("first")                     // uploads the agent, or hashes it
	time.Sleep(2100 * time.Millisecond) // a fingerprint is learnt from a file settled for 2 s
	status("second")                    // hashes it and learns the fingerprint
	if by := checkedBy(status("third")); by != "fingerprint" {
		t.Fatalf("%s: agent checked by %q, want fingerprint: the case below would not test it", victim, by)
	}
	sum := fileSHA256(t, l.bin)
	path := "/root/.fleet/bin/fleet-" + sum
	// Same size, inode and mtime; only the ctime moves.
	tamper := `f=` + path + `; test -x $f && rm -f /tmp/pwned && before=$(stat -c '%i %s %.9Y' $f) && touch -r $f /tmp/agent-mtime && ` +
		`printf '#!/bin/sh\ntouch /tmp/pwned\nexit 0\n' > /tmp/evil && truncate -s $(stat -c %s $f) /tmp/evil && ` +
		`cat /tmp/evil > $f && touch -r /tmp/agent-mtime $f && rm -f /tmp/evil /tmp/agent-mtime && ` +
		`test "$(stat -c '%i %s %.9Y' $f)" = "$before" && echo same`
	if out := l.ssh(t, victim, tamper); out != "same" {
		t.Fatalf("%s: tampering did not keep size, inode and mtime: %q", victim, out)
	}
	r := status("after tampering")
	if out := l.ssh(t, victim, "test -e /tmp/pwned && echo ran || echo never-ran"); out != "never-ran" {
		t.Errorf("%s: the tampered agent was executed", victim)
	}
	if by := checkedBy(r); by != "upload" {
		t.Errorf("%s: agent checked by %q after tampering, want it hashed, refused and uploaded again", victim, by)
	}
	if got := l.ssh(t, victim, "sha256sum "+path+" | cut -d' ' -f1"); got != sum {
		t.Errorf("%s: agent binary not restored: sha256 %s, want %s", victim, got, sum)
	}
}

// The Consul ACL token never appears in fleet's output, logs (debug) or
// the hosts' journals.
func TestSecurity_TokenNeverLogged(t *testing.T) {
	l := theLab
	l.resetConsulHosts(t)
	const token = "5ecret-7oken-d0-not-l0g"
	app := strings.Replace(consulApp, "    service: hello\n", "    service: hello\n    token_env: FLEET_E2E_CONSUL_TOKEN\n", 1)
	inv := l.writeInventory(t, inventoryOptions{appExtra: app, port: "{port}"})
	cmd := exec.Command(l.bin, "rollout", "-i", inv, "-o", "json", "--log-level", "debug", "--artifact", l.hello["v1"], "--version", "v1")
	cmd.Env = append(os.Environ(), "FLEET_E2E_CONSUL_TOKEN="+token)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("rollout with a token: %v\n%s", err, out)
	}
	if strings.Contains(string(out), token) {
		t.Errorf("the token appears in fleet's output or logs")
	}
	for _, h := range l.names {
		if got := l.ssh(t, h, "grep -rl -- '"+token+"' /opt/hello /var/log 2>/dev/null; journalctl --no-pager -o cat | grep -c -- '"+token+"' || true"); got != "0" {
			t.Errorf("%s: the token is on the host: %q", h, got)
		}
	}
}

// Files fleet creates on a host have the owners and modes DESIGN.md
// documents.
func TestSecurity_FileModes(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d", r.code)
	}
	want := map[string]string{
		"/opt/hello":                          "root:root 755",
		"/opt/hello/releases/v1/hello":        "root:root 755",
		"/opt/hello/.fleet":                   "root:root 700",
		"/opt/hello/.fleet/journal.jsonl":     "root:root 600",
		"/opt/hello/.fleet/state.json":        "root:root 600",
		"/opt/hello/releases/v1/release.json": "root:root 644",
		"/opt/hello/.incoming":                "root:root 700",
	}
	for _, h := range l.names {
		for path, mode := range want {
			if got := l.ssh(t, h, "stat -c '%U:%G %a' "+path); got != mode {
				t.Errorf("%s: %s is %q, want %q", h, path, got, mode)
			}
		}
	}
}
