//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// A canary that pauses: one host gets v2, the rest wait; `fleet promote`
// finishes without uploading; after a second pause `fleet rollback` undoes
// only the canary.
func TestCanary_PauseThenPromoteOrRollback(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d", r.code)
	}
	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--canary", "1", "--pause-after-canary", "--artifact", l.hello["v2"], "--version", "v2")
	if r.code != 4 {
		t.Fatalf("paused canary: exit %d, want 4\n%s", r.code, r.stdout)
	}
	onV2 := 0
	for i := range l.names {
		if l.state(t, i).current == "v2" {
			onV2++
		}
	}
	if onV2 != 1 {
		t.Fatalf("%d hosts on v2 after a canary of 1", onV2)
	}
	st := l.fleet(t, "status", "-i", inv, "-o", "json")
	if !strings.Contains(st.stdout, `"pending":{"version":"v2"`) {
		t.Errorf("status does not show the paused rollout:\n%s", st.stdout)
	}
	r = l.fleet(t, "promote", "-i", inv, "-o", "json")
	if r.code != 0 {
		t.Fatalf("promote: exit %d\n%s", r.code, r.stdout)
	}
	if n := len(r.eventsOf("host_step", "upload")); n != 0 {
		t.Errorf("promote uploaded %d times", n)
	}
	l.assertAllOn(t, "v2")

	r = l.fleet(t, "rollout", "-i", inv, "-o", "json", "--canary", "1", "--pause-after-canary", "--artifact", l.hello["v3"], "--version", "v3")
	if r.code != 4 {
		t.Fatalf("second paused canary: exit %d", r.code)
	}
	r = l.fleet(t, "rollback", "-i", inv, "-o", "json")
	if r.code != 0 {
		t.Fatalf("rollback of a paused canary: exit %d\n%s", r.code, r.stdout)
	}
	l.assertAllOn(t, "v2")
	if st := l.fleet(t, "status", "-i", inv, "-o", "json"); strings.Contains(st.stdout, `"pending"`) {
		t.Errorf("a paused rollout is still recorded after rollback:\n%s", st.stdout)
	}
}

// A release that passes its gate and then crashes (healthy 3 s, then exits)
// is caught by the canary bake, which watches health the whole time, and
// the canary host is rolled back; the other hosts never change.
func TestCanary_BakeCatchesLateCrash(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d", r.code)
	}
	pids := l.pids(t)
	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--canary", "1", "--canary-bake", "8s", "--artifact", l.hello["flap"], "--version", "flap")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (canary failed its bake, rolled back)\n%s", r.code, r.stdout)
	}
	if len(r.eventsOf("bake", "")) == 0 {
		t.Errorf("no bake event: the gate caught it, not the bake (min_healthy_time 2s < 3s of health)")
	}
	l.assertAllOn(t, "v1")
	after := l.pids(t)
	for i := 1; i < len(pids); i++ {
		if pids[i] != after[i] {
			t.Errorf("%s restarted though it was not in the canary", l.names[i])
		}
	}
}
