//go:build e2e

package e2e

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// bigArtifact is the hello binary padded with zeros (an ELF ignores what
// follows its sections), large enough that its upload takes a while.
func bigArtifact(t *testing.T, src string, mib int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hello-big")
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	zero := make([]byte, 1<<20)
	for range mib {
		if _, err := out.Write(zero); err != nil {
			t.Fatal(err)
		}
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func (l *lab) link(t *testing.T, i int, state string) {
	t.Helper()
	if b, err := exec.Command("ip", "link", "set", fmt.Sprintf("fl-lab%d", i+1), state).CombinedOutput(); err != nil {
		t.Fatalf("ip link set %s: %v\n%s", state, err, b)
	}
}

// The network to one host is cut in the middle of an upload: the partial
// file is never installed, nothing changes anywhere, and the next rollout
// uploads again and succeeds.
func TestFault_ConnectionLostMidUpload(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{keepalive: "1s"})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d", r.code)
	}
	big := bigArtifact(t, l.hello["v2"], 600)
	b := l.fleetBackground(t, "rollout", "-i", inv, "-o", "json", "--artifact", big, "--version", "v2")
	b.waitEvent(t, "upload to "+l.names[1], 60*time.Second, stepIs(l.names[1], "upload"))
	time.Sleep(200 * time.Millisecond)
	l.link(t, 1, "down")
	t.Cleanup(func() { l.link(t, 1, "up") })
	r := b.wait(t, 120*time.Second)
	l.link(t, 1, "up")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3 (could not start: upload failed, nothing changed)\n%s", r.code, r.stdout)
	}
	waitFor(t, "lab2 reachable again", 20*time.Second, func() bool { _, err := l.trySSH(l.names[1], "true"); return err == nil })
	if out := l.ssh(t, l.names[1], "ls /opt/hello/releases"); strings.Contains(out, "v2") {
		t.Errorf("%s: the half-uploaded release was installed: %s", l.names[1], out)
	}
	l.assertAllOn(t, "v1")
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", big, "--version", "v2"); r.code != 0 {
		t.Fatalf("re-run after the link came back: exit %d\n%s", r.code, r.stdout)
	}
	l.assertAllOn(t, "v2") // the padded binary is hello v2
}

// A host is powered off in the middle of its step: the failure budget (0)
// halts the rollout, the changed hosts are rolled back, the dead host is
// reported with its error, and once it is back a re-run converges.
func TestFault_HostPoweredOffMidWave(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{keepalive: "1s"})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d", r.code)
	}
	b := l.fleetBackground(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
	b.waitEvent(t, "gate on "+l.names[1], 60*time.Second, stepIs(l.names[1], "gate"))
	if out, err := exec.Command(filepath.Join(l.repo, "e2e", "lab", "lab.sh"), "kill", l.names[1]).CombinedOutput(); err != nil {
		t.Fatalf("lab.sh kill: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		_ = exec.Command(filepath.Join(l.repo, "e2e", "lab", "lab.sh"), "up", fmt.Sprint(len(l.names))).Run()
	})
	r := b.wait(t, 120*time.Second)
	if r.code != 2 {
		t.Errorf("exit %d, want 2 (failed, a host left where it was)\n%s", r.code, r.stdout)
	}
	var dead map[string]any
	for _, e := range r.eventsOf("host_done", "") {
		if e["host"] == l.names[1] {
			dead = e
		}
	}
	if dead == nil || dead["error"] == nil {
		t.Errorf("no host_done with an error for %s: %v", l.names[1], dead)
	} else {
		t.Logf("%s reported as: state %v, error %v", l.names[1], dead["state"], dead["error"])
	}
	if s := l.state(t, 0); s.current != "v1" || s.version != "v1" {
		t.Errorf("%s: %+v, want rolled back to v1", l.names[0], s)
	}
	if s := l.state(t, 2); s.current != "v1" {
		t.Errorf("%s: %+v, want untouched on v1", l.names[2], s)
	}
	if out, err := exec.Command(filepath.Join(l.repo, "e2e", "lab", "lab.sh"), "up", fmt.Sprint(len(l.names))).CombinedOutput(); err != nil {
		t.Fatalf("lab.sh up: %v\n%s", err, out)
	}
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("re-run once the host is back: exit %d\n%s", r.code, r.stdout)
	}
	l.assertAllOn(t, "v1")
}
