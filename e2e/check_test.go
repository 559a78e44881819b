//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"
)

// fleet check on a healthy fleet passes; on lab3 broken three ways (the
// deploy user's sudo rule names the wrong path, a drop-in points the unit
// elsewhere, its Consul agent is stopped) it exits 3 with one line for
// each, naming lab3 and the fix, and nothing for the others. It changes
// nothing on any host: symlink, MainPID, the journal and the lock file
// stay as they were.
func TestCheck_NamesEachProblemAndChangesNothing(t *testing.T) {
	l := theLab
	l.resetConsulHosts(t)
	inv := l.writeInventory(t, inventoryOptions{appExtra: consulApp, port: "{port}", user: "deploy", sudo: true})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d\n%s", r.code, r.stdout)
	}
	l.waitAllPassingWithin(t, len(l.names), time.Minute)
	if r := l.fleet(t, "check", "-i", inv); r.code != 0 {
		t.Fatalf("check on a healthy lab: exit %d\n%s", r.code, r.stdout)
	}

	victim := l.names[2]
	l.ssh(t, victim, "cp -p /etc/sudoers.d/fleet /root/sudoers-fleet.check && "+
		"sed -i 's#/home/deploy/.fleet/bin/#/usr/local/lib/fleet/#' /etc/sudoers.d/fleet && "+
		"printf '[Service]\\nExecStart=\\nExecStart=/usr/local/bin/hello\\n' > /etc/systemd/system/hello.service.d/zz-check.conf && "+
		"systemctl daemon-reload && systemctl stop consul")
	t.Cleanup(func() {
		l.ssh(t, victim, "mv /root/sudoers-fleet.check /etc/sudoers.d/fleet; rm -f /etc/systemd/system/hello.service.d/zz-check.conf; "+
			"systemctl daemon-reload; systemctl start consul")
		l.waitAllPassingWithin(t, len(l.names), time.Minute)
	})
	before := l.untouched(t)
	r := l.fleet(t, "check", "-i", inv)
	if r.code != 3 {
		t.Fatalf("check with %s broken: exit %d, want 3\n%s", victim, r.code, r.stdout)
	}
	t.Logf("fleet check:\n%s", r.stdout)
	for _, want := range []struct{ kind, what, fix string }{
		{"sudo", "sudo -n will not run the agent as root for deploy", "deploy ALL=(root) NOPASSWD: /home/deploy/.fleet/bin/fleet-* agent serve"},
		{"unit", `hello.service runs "/usr/local/bin/hello", not /opt/hello/current/hello`, "zz-check.conf"},
		{"consul", "Consul agent at 127.0.0.1:8500 does not answer", "systemctl start consul"},
	} {
		line := lineWith(r.stdout, "  "+victim+": "+want.kind+": ")
		if !strings.Contains(line, want.what) || !strings.Contains(line, "fix: ") || !strings.Contains(line, want.fix) {
			t.Errorf("no %s line naming %s, %q and the fix %q:\n%s", want.kind, victim, want.what, want.fix, r.stdout)
		}
	}
	for _, h := range l.names[:2] {
		if !strings.Contains(r.stdout, h+": ok;") || strings.Contains(r.stdout, "  "+h+": ") {
			t.Errorf("%s should have no problem:\n%s", h, r.stdout)
		}
	}
	if after := l.untouched(t); after != before {
		t.Errorf("check changed the hosts:\nbefore %s\nafter  %s", before, after)
	}
}

// untouched is what check must not change on any host: where current
// points, the unit's MainPID, the journal's length and the lock file.
func (l *lab) untouched(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, h := range l.names {
		b.WriteString(h + ": " + l.ssh(t, h, "readlink /opt/hello/current; systemctl show -p MainPID --value hello.service; "+
			"wc -l < /opt/hello/.fleet/journal.jsonl; stat -c '%s %Y' /opt/hello/.fleet/lock") + "; ")
	}
	return strings.ReplaceAll(b.String(), "\n", " ")
}

// lineWith is the first line of out that contains s.
func lineWith(out, s string) string {
	for line := range strings.Lines(out) {
		if strings.Contains(line, s) {
			return line
		}
	}
	return ""
}
