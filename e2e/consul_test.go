//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// In place with maxUnavailable=1, behind Consul: a client that only ever
// talks to instances Consul lists as passing sees no failed request.
func TestConsul_InPlaceRolloutUnderLoad(t *testing.T) {
	l := theLab
	l.resetConsulHosts(t)
	inv := l.writeInventory(t, inventoryOptions{appExtra: consulApp, port: "{port}"})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d\n%s", r.code, r.stdout)
	}
	l.waitAllPassing(t, len(l.names))
	l.assertMetaMatchesBinary(t, "v1")

	lb := startLB(l.consulAddr(t), "hello", 200*time.Millisecond)
	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
	time.Sleep(time.Second) // keep the load on past the last admit
	requests, failures, versions := lb.Stop()
	t.Logf("in place, maxUnavailable=1: %d requests, %d failed, versions served %v", requests, len(failures), versions)
	if r.code != 0 {
		t.Fatalf("rollout v2: exit %d\n%s", r.code, r.stdout)
	}
	if requests < 200 {
		t.Fatalf("only %d requests: the load proves nothing", requests)
	}
	if len(failures) > 0 {
		t.Errorf("%d failed requests, first: %v", len(failures), failures[:min(5, len(failures))])
	}
	if versions["v1"] == 0 || versions["v2"] == 0 {
		t.Errorf("served versions %v: want both v1 and v2 during the rollout", versions)
	}
	l.waitAllPassing(t, len(l.names))
	l.assertMetaMatchesBinary(t, "v2")
	for _, h := range l.names {
		l.assertNoTrafficBeforeAdmit(t, h, "hello.service", "v2")
	}
}

// With two slots per host and maxSurge=1, maxUnavailable=0: the new version
// starts beside the old one, and capacity never drops.
func TestConsul_SurgeRolloutWithSlotsUnderLoad(t *testing.T) {
	l := theLab
	l.resetConsulHosts(t)
	opts := inventoryOptions{appExtra: slotsApp, port: "{port}", strategy: "  max_unavailable: 0\n  max_surge: 1\n  max_failures: 0\n"}
	inv := l.writeInventory(t, opts)
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d\n%s", r.code, r.stdout)
	}
	before := l.waitAllPassing(t, len(l.names))
	t.Logf("before: %v", before)

	lb := startLB(l.consulAddr(t), "hello", 200*time.Millisecond)
	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
	time.Sleep(time.Second)
	requests, failures, versions := lb.Stop()
	t.Logf("surge, maxSurge=1: %d requests, %d failed, versions served %v", requests, len(failures), versions)
	if r.code != 0 {
		t.Fatalf("rollout v2: exit %d\n%s", r.code, r.stdout)
	}
	if requests < 200 {
		t.Fatalf("only %d requests: the load proves nothing", requests)
	}
	if len(failures) > 0 {
		t.Errorf("%d failed requests, first: %v", len(failures), failures[:min(5, len(failures))])
	}
	after := l.waitAllPassing(t, len(l.names))
	t.Logf("after: %v", after)
	l.assertMetaMatchesBinary(t, "v2")
	for i, in := range after {
		if before[i].ID == in.ID {
			t.Errorf("%s: still on the same slot after a surge rollout", in)
		}
	}
	for _, h := range l.names {
		l.assertNoTrafficBeforeAdmit(t, h, "hello@green.service", "v2")
		if got := l.ssh(t, h, "systemctl is-active hello@blue.service || true"); got != "inactive" {
			t.Errorf("%s: old slot hello@blue is %q after the surge, want inactive", h, got)
		}
	}

	t.Run("a failed canary leaves Consul exactly as it was", func(t *testing.T) {
		before := l.waitAllPassing(t, len(l.names))
		r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--canary", "1", "--artifact", l.hello["bad"], "--version", "bad")
		if r.code != 1 {
			t.Fatalf("canary of a broken release: exit %d, want 1\n%s", r.code, r.stdout)
		}
		after := l.waitAllPassing(t, len(l.names))
		if !reflect.DeepEqual(before, after) {
			t.Errorf("Consul changed:\nbefore %v\nafter  %v", before, after)
		}
	})
}

// assertNoTrafficBeforeAdmit reads the host's fleet journal for when the
// instance left maintenance (op enable for that version) and the unit's
// journal for the first request the load client (the bridge address) made
// to the current process: that request must come after the admit.
func (l *lab) assertNoTrafficBeforeAdmit(t *testing.T, host, unit, version string) {
	t.Helper()
	var admitted time.Time
	for _, e := range l.journal(t, host) {
		if e["op"] == "enable" && e["result"] == "ok" {
			if ts, err := time.Parse(time.RFC3339Nano, fmt.Sprint(e["time"])); err == nil {
				admitted = ts
			}
		}
	}
	if admitted.IsZero() {
		t.Errorf("%s: no enable in the fleet journal", host)
		return
	}
	pid := l.ssh(t, host, "systemctl show -p MainPID --value "+unit)
	out := l.ssh(t, host, "journalctl -u "+unit+" _PID="+pid+" -o json --no-pager")
	first := time.Time{}
	for _, line := range strings.Split(out, "\n") {
		var e struct {
			Realtime string `json:"__REALTIME_TIMESTAMP"`
			Message  string `json:"MESSAGE"`
		}
		if json.Unmarshal([]byte(line), &e) != nil || !strings.Contains(e.Message, "remote=10.231.0.1:") {
			continue
		}
		us, err := strconv.ParseInt(e.Realtime, 10, 64)
		if err != nil {
			continue
		}
		first = time.UnixMicro(us)
		break
	}
	if first.IsZero() {
		t.Errorf("%s %s: the load client never reached the new process", host, unit)
		return
	}
	t.Logf("%s %s: admitted %s, first client request %s (%s later)", host, unit,
		admitted.Format("15:04:05.000"), first.Format("15:04:05.000"), first.Sub(admitted).Round(time.Millisecond))
	if first.Before(admitted) {
		t.Errorf("%s %s: got a client request at %s, before it was admitted at %s", host, unit, first, admitted)
	}
}
