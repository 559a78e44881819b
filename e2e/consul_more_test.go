//go:build e2e

package e2e

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// loadDuring runs fleet with args while the Consul-following client sends
// load, and returns the run and what the client saw.
func (l *lab) loadDuring(t *testing.T, label string, refresh time.Duration, args ...string) (run, int, []string) {
	t.Helper()
	lb := startLB(l.consulAddr(t), "hello", refresh)
	r := l.fleet(t, args...)
	time.Sleep(time.Second)
	requests, failures, versions := lb.Stop()
	t.Logf("%s: exit %d, %d requests, %d failed, versions served %v", label, r.code, requests, len(failures), versions)
	if requests < 100 {
		t.Fatalf("%s: only %d requests: the load proves nothing", label, requests)
	}
	return r, requests, failures
}

// fleet rollback honours the rollout's limits and drain: the same load sees
// no failure while every host goes back.
func TestConsul_RollbackUnderLoad(t *testing.T) {
	l := theLab
	l.resetConsulHosts(t)
	inv := l.writeInventory(t, inventoryOptions{appExtra: consulApp, port: "{port}"})
	for _, v := range []string{"v1", "v2"} {
		if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello[v], "--version", v); r.code != 0 {
			t.Fatalf("rollout %s: exit %d", v, r.code)
		}
	}
	l.waitAllPassing(t, len(l.names))
	r, _, failures := l.loadDuring(t, "rollback", 200*time.Millisecond, "rollback", "-i", inv, "-o", "json")
	if r.code != 0 {
		t.Fatalf("rollback: exit %d\n%s", r.code, r.stdout)
	}
	if len(failures) > 0 {
		t.Errorf("%d failed requests during rollback, first: %v", len(failures), failures[:min(5, len(failures))])
	}
	l.waitAllPassing(t, len(l.names))
	l.assertMetaMatchesBinary(t, "v1")
}

// The control experiment: without a drain, the same rollout and the same
// client do see failures. It is the drain that makes the difference, not a
// lenient client. The client re-reads Consul every second here (as
// consul-template or a DNS TTL would), so that an undrained stop reliably
// lands inside its stale window.
func TestConsul_NoDrainLosesRequests(t *testing.T) {
	l := theLab
	l.resetConsulHosts(t)
	app := strings.Replace(consulApp, "drain: 2s", "drain: 0s", 1)
	inv := l.writeInventory(t, inventoryOptions{appExtra: app, port: "{port}"})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d", r.code)
	}
	l.waitAllPassing(t, len(l.names))
	r, _, failures := l.loadDuring(t, "no drain", time.Second, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
	if r.code != 0 {
		t.Fatalf("rollout v2: exit %d", r.code)
	}
	if len(failures) == 0 {
		t.Errorf("no failed request without a drain: the load client cannot tell a drained rollout from an undrained one")
	}
}

// Blue/green: every host's idle slot comes up and is gated, then traffic
// moves in one step; a broken release is discarded before any traffic
// moved, leaving Consul as it was.
func TestConsul_BlueGreen(t *testing.T) {
	l := theLab
	l.resetConsulHosts(t)
	opts := inventoryOptions{appExtra: slotsApp, port: "{port}", strategy: "  max_unavailable: 0\n  max_surge: 3\n  max_failures: 0\n"}
	inv := l.writeInventory(t, opts)
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d\n%s", r.code, r.stdout)
	}
	l.waitAllPassing(t, len(l.names))

	r, _, failures := l.loadDuring(t, "blue/green", 200*time.Millisecond, "rollout", "-i", inv, "-o", "json", "--strategy", "blue-green", "--artifact", l.hello["v2"], "--version", "v2")
	if r.code != 0 {
		t.Fatalf("blue/green v2: exit %d\n%s", r.code, r.stdout)
	}
	if len(failures) > 0 {
		t.Errorf("%d failed requests, first: %v", len(failures), failures[:min(5, len(failures))])
	}
	assertCutoverAfterAllPrepared(t, r)
	l.waitAllPassing(t, len(l.names))
	l.assertMetaMatchesBinary(t, "v2")

	t.Run("a broken release is discarded before traffic moves", func(t *testing.T) {
		before := l.waitAllPassing(t, len(l.names))
		pids := map[string]string{}
		for _, h := range l.names {
			pids[h] = l.ssh(t, h, "systemctl show -p MainPID --value hello@green.service")
		}
		r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--strategy", "blue-green", "--artifact", l.hello["bad"], "--version", "bad")
		if r.code != 1 {
			t.Fatalf("exit %d, want 1\n%s", r.code, r.stdout)
		}
		if n := len(r.eventsOf("host_step", "enable")); n != 0 {
			t.Errorf("%d enable steps: traffic moved to a release that never passed", n)
		}
		after := l.waitAllPassing(t, len(l.names))
		if !reflect.DeepEqual(before, after) {
			t.Errorf("Consul changed:\nbefore %v\nafter  %v", before, after)
		}
		for _, h := range l.names {
			if got := l.ssh(t, h, "systemctl show -p MainPID --value hello@green.service"); got != pids[h] {
				t.Errorf("%s: serving instance restarted (pid %s → %s)", h, pids[h], got)
			}
		}
	})
}

// assertCutoverAfterAllPrepared checks the event order: no host is admitted
// (enable) before every host passed its gate.
func assertCutoverAfterAllPrepared(t *testing.T, r run) {
	t.Helper()
	lastGate, firstEnable := -1, -1
	for i, e := range r.events {
		if e["kind"] == "host_state" && e["state"] == "prepared" {
			lastGate = i
		}
		if e["kind"] == "host_step" && e["step"] == "enable" && firstEnable < 0 {
			firstEnable = i
		}
	}
	if lastGate < 0 || firstEnable < 0 || firstEnable < lastGate {
		t.Errorf("event order: last prepared at %d, first enable at %d: traffic moved before every host was prepared", lastGate, firstEnable)
	}
}
