//go:build e2e

package e2e

import (
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The live terminal view, recorded: fleet runs in a real terminal (tmux) on
// the lab, and snapshots of the screen show each host in flight with its
// step while it changes, then the final table.
func TestTerminal_LiveProgressRecorded(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d", r.code)
	}
	session := fmt.Sprintf("fleet-e2e-%d", time.Now().UnixNano())
	cmd := fmt.Sprintf("TERM=xterm-256color %s rollout -i %s --yes --artifact %s --version v2; sleep 30", l.bin, inv, l.hello["v2"])
	if out, err := exec.Command("tmux", "new-session", "-d", "-s", session, "-x", "150", "-y", "24", cmd).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "kill-session", "-t", session).Run() })

	inFlight := regexp.MustCompile(`(?m)^\s+(lab\d)\s+(\S+)`)
	seen := map[string]map[string]bool{} // host → steps seen in the live block
	var last string
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(last, "rollout succeeded") {
		time.Sleep(300 * time.Millisecond)
		out, err := exec.Command("tmux", "capture-pane", "-p", "-t", session).Output()
		if err != nil {
			t.Fatalf("capture-pane: %v", err)
		}
		last = string(out)
		for _, m := range inFlight.FindAllStringSubmatch(last, -1) {
			if seen[m[1]] == nil {
				seen[m[1]] = map[string]bool{}
			}
			seen[m[1]][m[2]] = true
		}
	}
	t.Logf("last screen:\n%s", last)
	t.Logf("steps seen in the live block: %v", seen)
	if !strings.Contains(last, "rollout succeeded") || !strings.Contains(last, "HOST") {
		t.Fatalf("the final summary never appeared")
	}
	for _, h := range l.names {
		if !seen[h]["gating"] {
			t.Errorf("%s never shown gating in the live view (seen %v)", h, seen[h])
		}
	}
	l.assertAllOn(t, "v2")
}
