//go:build e2e

package e2e

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// A controller killed (SIGKILL, as when a Jenkins job is aborted) at each
// step of a rollout's third host, and then of the rollback's second host
// that undoes it: the next `fleet rollback` ends with every host on the one
// version they ran before the rollout, healthy and passing in Consul, and a
// rollback run again after that changes nothing. (Re-running a killed
// rollout is TestFault_ControllerInterruptedAtEachStep's.)
func TestRollback_KilledAtEachStepEndsOnOneVersion(t *testing.T) {
	l := theLab
	l.resetConsulHosts(t)
	inv := l.writeInventory(t, inventoryOptions{appExtra: consulApp, port: "{port}", minHealthyTime: "1s"})
	for _, v := range []string{"v2", "v1"} { // v2 staged everywhere, so later runs upload nothing
		if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello[v], "--version", v); r.code != 0 {
			t.Fatalf("rollout %s: exit %d\n%s", v, r.code, r.stdout)
		}
	}
	killAt := func(t *testing.T, host, step string, args ...string) {
		t.Helper()
		b := l.fleetBackground(t, append(args, "-i", inv, "-o", "json")...)
		b.waitEvent(t, step+" on "+host, 60*time.Second, stepIs(host, step))
		if err := b.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		b.wait(t, 30*time.Second)
		l.assertSafe(t)
	}
	rollback := func(t *testing.T) {
		t.Helper()
		if r := l.fleet(t, "rollback", "-i", inv, "-o", "json"); r.code != 0 {
			t.Fatalf("rollback: exit %d\n%s", r.code, r.stdout)
		}
		l.assertOneVersionServing(t, "v1")
	}
	rolloutV2 := []string{"rollout", "--artifact", l.hello["v2"], "--version", "v2"}
	// One scenario per step covers both kills: the rollout is killed on the
	// third host (two hosts left on v2), the rollback that undoes it is
	// killed on the second, and the rollback after that must end on v1.
	// (A separate "rollout killed, then rollback" run per step took ~100 s
	// of CI and tested a prefix of this same path.)
	steps := []string{"drain", "switch", "restart", "gate", "enable"}
	for i, step := range steps {
		t.Run("rollout and rollback killed at "+step, func(t *testing.T) {
			killAt(t, l.names[2], step, rolloutV2...)
			killAt(t, l.names[1], step, "rollback")
			rollback(t)
			if i < len(steps)-1 {
				return
			}
			pids := l.pids(t)
			rollback(t)
			if got := l.pids(t); strings.Join(got, ",") != strings.Join(pids, ",") {
				t.Errorf("a rollback with nothing to do restarted units: pids %v → %v", pids, got)
			}
		})
	}
}

// assertOneVersionServing: every host runs version (symlink, unit,
// /healthz) and Consul lists every instance passing with that version.
func (l *lab) assertOneVersionServing(t *testing.T, version string) {
	t.Helper()
	l.assertAllOn(t, version)
	l.waitAllPassing(t, len(l.names))
	l.assertMetaMatchesBinary(t, version)
}
