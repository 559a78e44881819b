//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"
)

// stage: ahead on real hosts: uploads run one at a time (parallel 1) while
// the first host is already being activated, and the link to lab2 is cut
// in the middle of its upload. lab2 fails without being touched (its
// service keeps its process), the failure budget (0) halts the rollout,
// lab1 — already on v2 — is rolled back, lab3 never starts, and the
// rollout exits 1. Once the link is back the same rollout converges.
func TestStageAhead_LinkCutMidUploadFailsOnlyThatHost(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{keepalive: "1s", strategy: "  max_unavailable: 1\n  max_failures: 0\n  parallel: 1\n  stage: ahead\n"})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d", r.code)
	}
	lab2Before := l.state(t, 1)
	big := bigArtifact(t, l.hello["v2"], 600)

	b := l.fleetBackground(t, "rollout", "-i", inv, "-o", "json", "--artifact", big, "--version", "v2")
	var uploading, restarted bool // in either order
	b.waitEvent(t, "lab2's upload and lab1's restart", 60*time.Second, func(e map[string]any) bool {
		uploading = uploading || stepIs(l.names[1], "upload")(e)
		restarted = restarted || stepIs(l.names[0], "restart")(e)
		return uploading && restarted
	})
	l.link(t, 1, "down")
	t.Cleanup(func() { l.link(t, 1, "up") })
	r := b.wait(t, 120*time.Second)
	l.link(t, 1, "up")

	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (lab2 failed, lab1 rolled back)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "host left untouched") {
		t.Errorf("stderr does not say lab2 was left untouched:\n%s", r.stderr)
	}
	for _, e := range r.eventsOf("host_state", "") {
		if e["host"] == l.names[1] && e["step"] == "revert" {
			t.Errorf("lab2 got a revert step: %v", e)
		}
	}
	waitFor(t, "lab2 reachable again", 20*time.Second, func() bool { _, err := l.trySSH(l.names[1], "true"); return err == nil })
	if s := l.state(t, 1); s.current != "v1" || s.pid != lab2Before.pid {
		t.Errorf("%s: %+v, want untouched: v1 with MainPID %s", l.names[1], s, lab2Before.pid)
	}
	if out := l.ssh(t, l.names[1], "ls /opt/hello/releases"); strings.Contains(out, "v2") {
		t.Errorf("%s: the half-uploaded release was installed: %s", l.names[1], out)
	}
	if s := l.state(t, 0); s.current != "v1" || s.version != "v1" {
		t.Errorf("%s: %+v, want rolled back to v1", l.names[0], s)
	}
	l.assertAllOn(t, "v1")

	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", big, "--version", "v2"); r.code != 0 {
		t.Fatalf("re-run after the link came back: exit %d\n%s", r.code, r.stderr)
	}
	l.assertAllOn(t, "v2") // the padded binary is hello v2
}
