//go:build e2e

package e2e

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// A release that passes its first checks and then crashes in a loop
// (healthy 3 s, then exits, restarted by systemd) never survives a
// min_healthy_time longer than its healthy spell: the gate fails and the
// host is rolled back.
func TestFault_CrashLoopAfterBriefHealth(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{minHealthyTime: "5s"})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d", r.code)
	}
	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["flap"], "--version", "flap")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (failed, rolled back)\n%s", r.code, r.stdout)
	}
	l.assertAllOn(t, "v1")
}

// Disk full while staging on one host: a clear error naming the host, the
// rollout refuses to start, and every host keeps serving its release.
func TestFault_DiskFullWhileStaging(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d", r.code)
	}
	victim := l.names[1]
	l.ssh(t, victim, "mkdir -p /opt/hello/.incoming && mount -t tmpfs -o size=512k,mode=0700 fleetfull /opt/hello/.incoming")
	t.Cleanup(func() { _, _ = l.trySSH(victim, "umount /opt/hello/.incoming") })
	pids := l.pids(t)
	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3 (could not start)\n%s", r.code, r.stdout)
	}
	if !strings.Contains(r.stderr, victim) || !strings.Contains(strings.ToLower(r.stderr), "space") {
		t.Errorf("error does not name %s and the full disk:\n%s", victim, r.stderr)
	}
	l.assertAllOn(t, "v1")
	if got := l.pids(t); strings.Join(got, ",") != strings.Join(pids, ",") {
		t.Errorf("pids changed %v → %v", pids, got)
	}
	if out := l.ssh(t, victim, "ls /opt/hello/releases"); strings.Contains(out, "v2") {
		t.Errorf("%s: a v2 release exists after a failed upload: %s", victim, out)
	}
}

// The Consul agent is down on one host: the rollout refuses that host
// before stopping anything anywhere, naming it.
func TestFault_ConsulAgentDown(t *testing.T) {
	l := theLab
	l.resetConsulHosts(t)
	inv := l.writeInventory(t, inventoryOptions{appExtra: consulApp, port: "{port}"})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d", r.code)
	}
	victim := l.names[2]
	l.ssh(t, victim, "systemctl stop consul")
	t.Cleanup(func() { _, _ = l.trySSH(victim, "systemctl start consul") })
	pids := l.pids(t)
	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3\n%s", r.code, r.stdout)
	}
	if !strings.Contains(r.stderr, victim) || !strings.Contains(strings.ToLower(r.stderr), "consul") {
		t.Errorf("error does not name %s and Consul:\n%s", victim, r.stderr)
	}
	if got := l.pids(t); strings.Join(got, ",") != strings.Join(pids, ",") {
		t.Errorf("a unit was restarted (pids %v → %v)", pids, got)
	}
	l.ssh(t, victim, "systemctl start consul")
	l.waitAllPassingWithin(t, len(l.names), time.Minute)
}

// Two controllers started at the same moment (a laptop and a CI job):
// exactly one proceeds, the other exits with the lock-held code and the
// holder's identity.
func TestFault_TwoControllersAtOnce(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d", r.code)
	}
	var wg sync.WaitGroup
	runs := make([]run, 2)
	for i, v := range []string{"v2", "v3"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runs[i] = l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello[v], "--version", v)
		}()
	}
	wg.Wait()
	codes := []int{runs[0].code, runs[1].code}
	if !(codes[0] == 0 && codes[1] == 3) && !(codes[0] == 3 && codes[1] == 0) {
		t.Fatalf("exit codes %v, want exactly one 0 and one 3", codes)
	}
	loser := runs[0]
	if codes[1] == 3 {
		loser = runs[1]
	}
	if !strings.Contains(loser.stderr, "lock held by") || !strings.Contains(loser.stderr, "pid ") {
		t.Errorf("the refused controller does not name the holder:\n%s", loser.stderr)
	}
}
