//go:build e2e

package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A second controller is refused with the first one's identity; once the
// first is killed with SIGKILL (no cleanup can run), the lock is free.
func TestLock_HeldThenFreedBySIGKILL(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	quick := l.writeInventory(t, inventoryOptions{})
	if r := l.fleet(t, "rollout", "-i", quick, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("setup rollout v1: exit %d", r.code)
	}
	// A long health gate keeps the first controller inside its rollout.
	slow := l.writeInventory(t, inventoryOptions{minHealthyTime: "60s", deadline: "90s"})
	first := exec.Command(l.bin, "rollout", "-i", slow, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
	stdout, err := first.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = first.Process.Kill(); _ = first.Wait() })
	gating := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		once := false
		for sc.Scan() {
			var e map[string]any
			if json.Unmarshal(sc.Bytes(), &e) == nil && e["step"] == "gate" && !once {
				once = true
				close(gating)
			}
		}
	}()
	select {
	case <-gating:
	case <-time.After(60 * time.Second):
		t.Fatal("first controller never reached its health gate")
	}

	second := l.fleet(t, "rollout", "-i", quick, "-o", "json", "--artifact", l.hello["v3"], "--version", "v3")
	if second.code != 3 {
		t.Fatalf("second controller: exit %d, want 3 (lock held)", second.code)
	}
	holder := fmt.Sprintf("pid %d", first.Process.Pid)
	if !strings.Contains(second.stderr, "lock") || !strings.Contains(second.stderr, holder) {
		t.Errorf("refusal does not name the holder (%s):\n%s", holder, second.stderr)
	}

	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	waitFor(t, "every lock to be free after SIGKILL", 20*time.Second, func() bool {
		r := l.fleet(t, "status", "-i", quick, "-o", "json")
		return r.code == 0 && !strings.Contains(r.stdout, `"lock":{`)
	})
	if r := l.fleet(t, "rollout", "-i", quick, "-o", "json", "--artifact", l.hello["v3"], "--version", "v3"); r.code != 0 {
		t.Fatalf("rollout after the holder died: exit %d", r.code)
	}
	l.assertAllOn(t, "v3")
}

// A host whose key differs from known_hosts is refused before anything is
// sent to it, and the rollout changes no host at all.
func TestHostKey_MismatchRefused(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	tmp := t.TempDir()
	key := filepath.Join(tmp, "impostor")
	if b, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, b)
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(filepath.Join(l.dir, "known_hosts"))
	if err != nil {
		t.Fatal(err)
	}
	victim := l.addrs[0]
	var kh strings.Builder
	for _, line := range strings.Split(string(orig), "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == victim {
			continue
		}
		if line != "" {
			kh.WriteString(line + "\n")
		}
	}
	f := strings.Fields(string(pub))
	fmt.Fprintf(&kh, "%s %s %s\n", victim, f[0], f[1])
	khPath := filepath.Join(tmp, "known_hosts")
	if err := os.WriteFile(khPath, []byte(kh.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	inv := l.writeInventory(t, inventoryOptions{knownHosts: khPath})
	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3", r.code)
	}
	if !strings.Contains(r.stderr, l.names[0]) || !strings.Contains(strings.ToLower(r.stderr), "host key") {
		t.Errorf("error does not name %s and its host key:\n%s", l.names[0], r.stderr)
	}
	for _, h := range l.names {
		if out := l.ssh(t, h, "ls -A /opt/hello/releases 2>/dev/null | wc -l"); out != "0" {
			t.Errorf("%s: %s releases present, want none", h, out)
		}
	}
}

// A controller that stops without closing anything — a laptop put to
// sleep, a ^Z, a network gone quiet: its TCP connections stay up, so the
// hosts' sshd never sees an end — loses its locks once the agents have
// heard nothing from it for the idle timeout (ssh.keepalive 1s here: 10 s),
// not after TCP keepalive's ~2 h. Another rollout can then run, and the
// stopped controller, resumed, does not undo it.
func TestLock_StoppedControllerLosesItsLocks(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	quick := l.writeInventory(t, inventoryOptions{})
	if r := l.fleet(t, "rollout", "-i", quick, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("setup rollout v1: exit %d", r.code)
	}
	slow := l.writeInventory(t, inventoryOptions{keepalive: "1s", minHealthyTime: "60s", deadline: "90s"})
	first := l.fleetBackground(t, "rollout", "-i", slow, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
	first.waitEvent(t, "the first controller's health gate", 60*time.Second, stepIs(l.names[0], "gate"))
	locked := func() bool {
		r := l.fleet(t, "status", "-i", quick, "-o", "json")
		return r.code != 0 || strings.Contains(r.stdout, `"lock":{`)
	}
	if !locked() {
		t.Fatal("the first controller holds no lock while in its gate")
	}

	if err := first.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	time.Sleep(5 * time.Second)
	if !locked() {
		t.Fatalf("locks freed %s after the stop, before the 10 s idle timeout", time.Since(stopped).Round(time.Second))
	}
	waitFor(t, "every lock to be free after the idle timeout", 40*time.Second, func() bool { return !locked() })
	t.Logf("locks free %.1f s after the controller was stopped (idle timeout 10 s)", time.Since(stopped).Seconds())
	for _, h := range l.names {
		if n := l.ssh(t, h, "pgrep -fc '[a]gent serve' || true"); n != "0" {
			t.Errorf("%s: %s agent processes left", h, n)
		}
	}

	if r := l.fleet(t, "rollout", "-i", quick, "-o", "json", "--artifact", l.hello["v3"], "--version", "v3"); r.code != 0 {
		t.Fatalf("rollout while the first controller is stopped: exit %d\n%s", r.code, r.stderr)
	}
	if err := first.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	r := first.wait(t, 60*time.Second)
	if r.code == 0 {
		t.Errorf("the resumed controller exited 0: its sessions were gone")
	}
	if !strings.Contains(r.stderr, "session_expired: controller silent for 10s") {
		t.Errorf("the resumed controller does not say its sessions expired:\n%s", r.stderr)
	}
	l.assertAllOn(t, "v3")

	// The hosts' journals keep why: fleet history shows the stopped
	// rollout's host in its gate as incomplete, its session expired.
	h := l.fleet(t, "history", "-i", quick, "-o", "json")
	var rollouts []struct {
		Command string `json:"command"`
		Result  string `json:"result"`
		Hosts   []struct{ Host, Result, Error string }
	}
	if err := json.Unmarshal([]byte(h.stdout), &rollouts); err != nil || len(rollouts) < 3 {
		t.Fatalf("history: %v\n%s", err, h.stdout)
	}
	stoppedRun := rollouts[len(rollouts)-2] // then the v3 rollout
	found := false
	for _, host := range stoppedRun.Hosts {
		if host.Host == l.names[0] {
			found = host.Result == "incomplete" && strings.Contains(host.Error, "session expired: controller silent for 10s")
		}
	}
	if !found || stoppedRun.Result != "incomplete" {
		t.Errorf("history of the stopped rollout: %+v, want %s incomplete with its session expired", stoppedRun, l.names[0])
	}
}
