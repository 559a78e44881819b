//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The controller is interrupted (SIGINT) or killed (SIGKILL) at each step
// of a host's sequence. Afterwards no current symlink dangles, no unit is
// left down without a record in the host's journal, and re-running the same
// command converges the fleet.
func TestFault_ControllerInterruptedAtEachStep(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d", r.code)
	}
	versions := []string{"v2", "v3"}
	n := 0
	// SIGINT at every step; SIGKILL where no other test kills a rollout
	// (upload) and where a torn step would do most harm (switch). A killed
	// rollout at drain/switch/restart/gate/enable followed by a rollback is
	// TestRollback_KilledAtEachStepEndsOnOneVersion's.
	kills := map[string]bool{"upload": true, "switch": true}
	for _, step := range []string{"upload", "switch", "restart", "gate"} {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
			if sig == syscall.SIGKILL && !kills[step] {
				continue
			}
			v := versions[n%2]
			n++
			t.Run(fmt.Sprintf("%s at %s", sig, step), func(t *testing.T) {
				b := l.fleetBackground(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello[v], "--version", v)
				b.waitEvent(t, step+" on "+l.names[1], 60*time.Second, stepIs(l.names[1], step))
				if err := b.cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
				r := b.wait(t, 90*time.Second)
				if sig == syscall.SIGINT && r.code != 130 {
					t.Errorf("SIGINT: exit %d, want 130", r.code)
				}
				l.assertSafe(t)
				if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello[v], "--version", v); r.code != 0 {
					t.Fatalf("re-run after %s at %s: exit %d\n%s", sig, step, r.code, r.stdout)
				}
				l.assertAllOn(t, v)
			})
		}
	}
}

// assertSafe checks the invariants a fault must never break: current
// never dangles, and a unit that is not active has a record in the fleet
// journal saying who touched it.
func (l *lab) assertSafe(t *testing.T) {
	t.Helper()
	// Give the agent a moment to notice its session ended and exit.
	time.Sleep(500 * time.Millisecond)
	for _, h := range l.names {
		out := l.ssh(t, h, `if [ -L /opt/hello/current ]; then if [ -x /opt/hello/current/hello ]; then echo current=ok; else echo current=dangling; fi; else echo current=none; fi; echo unit=$(systemctl is-active hello.service)`)
		if strings.Contains(out, "current=dangling") {
			t.Errorf("%s: current dangles: %s", h, out)
		}
		if !strings.Contains(out, "unit=active") && !strings.Contains(out, "unit=activating") {
			if !hasOp(l.journal(t, h), "restart") {
				t.Errorf("%s: unit down (%s) and no restart recorded in the journal", h, out)
			}
		}
	}
}

func hasOp(entries []map[string]any, op string) bool {
	for _, e := range entries {
		if e["op"] == op {
			return true
		}
	}
	return false
}
