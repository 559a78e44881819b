//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// The core job, in order: v1 everywhere, then v2 with maxUnavailable=1 under
// a prober, then the same rollout again (nothing to do), then a broken
// release that must halt and roll back, then fleet rollback.
func TestRollout_Lifecycle(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{})

	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1")
	if r.code != 0 {
		t.Fatalf("rollout v1: exit %d\n%s", r.code, r.stdout)
	}
	l.assertAllOn(t, "v1")

	t.Run("v2 with maxUnavailable=1 keeps all but one host serving", func(t *testing.T) {
		p := startProber(l.addrs)
		r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
		rounds, maxDown := p.Stop()
		if r.code != 0 {
			t.Fatalf("rollout v2: exit %d\n%s", r.code, r.stdout)
		}
		t.Logf("prober: %d rounds, at most %d of %d hosts down at once, downs per host %v", rounds, maxDown, len(l.addrs), p.downs)
		if rounds < 10 {
			t.Fatalf("prober ran only %d rounds: it proves nothing", rounds)
		}
		if maxDown > 1 {
			t.Errorf("%d hosts were down at the same moment, maxUnavailable=1", maxDown)
		}
		if maxDown == 0 {
			t.Errorf("no host was ever seen down: the prober did not see the restarts")
		}
		l.assertAllOn(t, "v2")
		for _, h := range l.names {
			if !journalHas(l.journal(t, h), "switch", "v2") {
				t.Errorf("%s: journal has no switch to v2", h)
			}
		}
	})

	t.Run("re-running the same rollout uploads and restarts nothing", func(t *testing.T) {
		pids := l.pids(t)
		r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
		if r.code != 0 {
			t.Fatalf("exit %d", r.code)
		}
		if n := len(r.eventsOf("host_step", "upload")) + len(r.eventsOf("host_step", "restart")); n != 0 {
			t.Errorf("%d upload/restart steps on a rollout with nothing to do", n)
		}
		if got := l.pids(t); strings.Join(got, ",") != strings.Join(pids, ",") {
			t.Errorf("main PIDs changed from %v to %v: a unit was restarted", pids, got)
		}
	})

	t.Run("a broken release halts on the first host and is rolled back", func(t *testing.T) {
		pids := l.pids(t)
		r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["bad"], "--version", "bad")
		if r.code != 1 {
			t.Fatalf("exit %d, want 1 (failed, rolled back)\n%s", r.code, r.stdout)
		}
		l.assertAllOn(t, "v2")
		after := l.pids(t)
		changed := 0
		for i := range pids {
			if pids[i] != after[i] {
				changed++
			}
		}
		if changed != 1 {
			t.Errorf("%d hosts were restarted, want exactly the one that failed (pids %v → %v)", changed, pids, after)
		}
	})

	t.Run("fleet rollback returns every host to v1 without uploading", func(t *testing.T) {
		l.rollbackWithoutUpload(t, inv, "v1")
	})

	t.Run("rollback --to a version missing on one host is refused, nothing changes", func(t *testing.T) {
		r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--limit", l.names[0], "--artifact", l.hello["v3"], "--version", "v3")
		if r.code != 0 {
			t.Fatalf("rollout v3 to %s: exit %d", l.names[0], r.code)
		}
		// Four releases with keep: 3; the one that failed its gate is
		// pruned, not v1, the oldest good one (and the rollback target).
		if got := strings.Fields(l.ssh(t, l.names[0], "ls /opt/hello/releases")); strings.Join(got, " ") != "v1 v2 v3" {
			t.Errorf("%s: releases after the v3 prune %v, want [v1 v2 v3]", l.names[0], got)
		}
		pids := l.pids(t)
		// v3 is on the first host only.
		r = l.fleet(t, "rollback", "-i", inv, "-o", "json", "--to", "v3")
		if r.code != 3 {
			t.Fatalf("rollback --to v3: exit %d, want 3", r.code)
		}
		for _, h := range l.names[1:] {
			if !strings.Contains(r.stderr, h) {
				t.Errorf("refusal does not name %s, which lacks v3: %s", h, r.stderr)
			}
		}
		if got := l.pids(t); strings.Join(got, ",") != strings.Join(pids, ",") {
			t.Errorf("pids changed %v → %v", pids, got)
		}
	})
}

// rollbackWithoutUpload runs fleet rollback, which must succeed, upload
// nothing and leave every host on want.
func (l *lab) rollbackWithoutUpload(t *testing.T, inv, want string) {
	t.Helper()
	r := l.fleet(t, "rollback", "-i", inv, "-o", "json")
	if r.code != 0 {
		t.Fatalf("rollback: exit %d\n%s", r.code, r.stdout)
	}
	if n := len(r.eventsOf("host_step", "upload")); n != 0 {
		t.Errorf("rollback uploaded %d times", n)
	}
	l.assertAllOn(t, want)
}

func (l *lab) pids(t *testing.T) []string {
	t.Helper()
	out := make([]string, len(l.names))
	for i := range l.names {
		out[i] = l.state(t, i).pid
	}
	return out
}

func journalHas(entries []map[string]any, op, to string) bool {
	for _, e := range entries {
		if e["op"] == op && (e["to"] == to || e["version"] == to) {
			return true
		}
	}
	return false
}
