//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// Through a jump host, fleet reaches the other hosts: their sshd sees the
// connection come from the jump host's address, not the controller's.
func TestJumpHost_RolloutThroughBastion(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	bastion := l.addrs[0]
	inv := l.writeInventory(t, inventoryOptions{jump: "root@" + bastion})
	targets := strings.Join(l.names[1:], ",")
	since := l.ssh(t, l.names[1], "date +%s")

	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--limit", targets, "--artifact", l.hello["v1"], "--version", "v1")
	if r.code != 0 {
		t.Fatalf("rollout through %s: exit %d\n%s", bastion, r.code, r.stdout)
	}
	for i := 1; i < len(l.names); i++ {
		if s := l.state(t, i); s.current != "v1" || s.version != "v1" {
			t.Errorf("%s: current=%q /healthz=%q, want v1", l.names[i], s.current, s.version)
		}
	}
	log := l.ssh(t, l.names[1], "journalctl -u ssh --since @"+since+" --no-pager -o cat | grep Accepted || true")
	if !strings.Contains(log, "from "+bastion+" ") {
		t.Errorf("%s's sshd saw no login from the jump host %s:\n%s", l.names[1], bastion, log)
	}
}
