//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// haproxy is the lab's load balancer (LB=1 e2e/lab/lab.sh up): HAProxy on
// the bridge address, running examples/haproxy/haproxy.cfg, following hello
// through the Consul server's DNS.
type haproxy struct {
	url    string // http://10.231.0.1:8080
	socket string // its stats socket, under the lab's state dir
}

// haproxy reads .lab/lb-addr and .lab/lb-socket. A missing load balancer
// fails the test when the lab is expected (CI=true, FLEET_E2E=1), as a
// missing lab does, and skips it otherwise.
func (l *lab) haproxy(t *testing.T) haproxy {
	t.Helper()
	missing := func(format string, args ...any) {
		t.Helper()
		msg := fmt.Sprintf(format, args...) + " (start the lab with LB=1: make lab-up LB=1)"
		if os.Getenv("CI") == "true" || os.Getenv("FLEET_E2E") == "1" {
			t.Fatal("the lab's load balancer is required but missing: " + msg)
		}
		t.Skip("no load balancer: " + msg)
	}
	addr, err := os.ReadFile(filepath.Join(l.dir, "lb-addr"))
	if err != nil {
		missing("%v", err)
	}
	sock, err := os.ReadFile(filepath.Join(l.dir, "lb-socket"))
	if err != nil {
		missing("%v", err)
	}
	h := haproxy{url: strings.TrimSpace(string(addr)), socket: strings.TrimSpace(string(sock))}
	u, err := url.Parse(h.url)
	if err != nil || u.Scheme != "http" || u.Hostname() == "" {
		t.Fatalf(".lab/lb-addr %q: not an http address", h.url)
	}
	// Load goes to the bridge address and nowhere else.
	if err := checkLabNet([]string{u.Hostname()}); err != nil {
		t.Fatalf("load balancer %s: %v", h.url, err)
	}
	if _, err := os.Stat(h.socket); err != nil {
		missing("stats socket: %v", err)
	}
	// The lab runs the example users copy, not a copy of its own.
	want, err := os.ReadFile(filepath.Join(l.repo, "examples", "haproxy", "haproxy.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(filepath.Dir(h.socket), "haproxy.cfg"))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("the lab's HAProxy does not run examples/haproxy/haproxy.cfg (%v): restart it with LB=1 lab.sh up", err)
	}
	return h
}

// lbServer is one server line of HAProxy's backend hello.
type lbServer struct{ Name, Addr, Status string }

// servers asks the stats socket ("show stat") for the hello backend's
// servers that have an address (the server-template's unused slots have
// none).
func (h haproxy) servers(t *testing.T) []lbServer {
	t.Helper()
	c, err := net.DialTimeout("unix", h.socket, 2*time.Second)
	if err != nil {
		t.Fatalf("haproxy stats socket: %v", err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Write([]byte("show stat\n")); err != nil {
		t.Fatalf("haproxy stats socket: %v", err)
	}
	r := csv.NewReader(bufio.NewReader(c))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("haproxy show stat: %v", err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[strings.TrimPrefix(name, "# ")] = i
	}
	var out []lbServer
	for _, row := range rows[1:] {
		if len(row) <= col["addr"] || row[col["pxname"]] != "hello" {
			continue
		}
		name := row[col["svname"]]
		if name == "FRONTEND" || name == "BACKEND" || row[col["addr"]] == "" {
			continue
		}
		out = append(out, lbServer{Name: name, Addr: row[col["addr"]], Status: row[col["status"]]})
	}
	return out
}

// upAddrs are the addresses of the servers HAProxy sends traffic to.
func (h haproxy) upAddrs(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, s := range h.servers(t) {
		if s.Status == "UP" {
			out = append(out, s.Addr)
		}
	}
	slices.Sort(out)
	return out
}

// waitLBFollowsConsul waits until want hello instances pass in Consul and
// HAProxy sends traffic to exactly those (address:port), and returns them.
func (l *lab) waitLBFollowsConsul(t *testing.T, h haproxy, want int) []string {
	t.Helper()
	addr := map[string]string{}
	for i, n := range l.names {
		addr[n] = l.addrs[i]
	}
	var inConsul, inLB []string
	waitFor(t, fmt.Sprintf("HAProxy to serve the %d passing instances Consul lists", want), 20*time.Second, func() bool {
		inConsul = inConsul[:0]
		for _, in := range l.catalog(t) {
			if in.Passing {
				inConsul = append(inConsul, addr[in.Node]+":"+strconv.Itoa(in.Port))
			}
		}
		slices.Sort(inConsul)
		inLB = h.upAddrs(t)
		return len(inConsul) == want && slices.Equal(inConsul, inLB)
	})
	return inLB
}

// consulSRV resolves hello's SRV records the way HAProxy does: straight
// from the Consul server's DNS on the bridge, then each target's address.
func consulSRV(t *testing.T, consulHTTP string) []string {
	t.Helper()
	u, err := url.Parse(consulHTTP)
	if err != nil {
		t.Fatal(err)
	}
	dnsAddr := net.JoinHostPort(u.Hostname(), "8600")
	res := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, dnsAddr)
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, srvs, err := res.LookupSRV(ctx, "hello", "tcp", "service.consul")
	if err != nil {
		t.Fatalf("SRV _hello._tcp.service.consul at %s: %v", dnsAddr, err)
	}
	var out []string
	for _, s := range srvs {
		ips, err := res.LookupHost(ctx, s.Target)
		if err != nil || len(ips) != 1 {
			t.Fatalf("SRV target %s: %v %v", s.Target, ips, err)
		}
		out = append(out, net.JoinHostPort(ips[0], strconv.Itoa(int(s.Port))))
	}
	slices.Sort(out)
	return out
}

// lbUnit turns hello, on every host, into a service that drops what it is
// doing when it stops (SIGKILL, no graceful shutdown) and takes 100 ms per
// request (HELLO_DELAY), for the load-balancer tests: at any moment about
// two requests are in flight on each instance, and a request in flight on
// an instance that stops fails whatever HAProxy's retries do (they only
// replay connections that failed before the request was sent). With hello's
// own graceful SIGTERM and millisecond answers, redispatch alone hid every
// error of an undrained rollout (examples/haproxy/README.md): the drain
// would not be what the tests measure. Removed when the test ends.
func (l *lab) lbUnit(t *testing.T) {
	t.Helper()
	const dropIn = "[Service]\nEnvironment=HELLO_DELAY=100ms\nKillSignal=SIGKILL\nSuccessExitStatus=SIGKILL\n"
	for _, h := range l.names {
		l.ssh(t, h, "for u in hello.service hello@.service; do mkdir -p /etc/systemd/system/$u.d && "+
			"printf '"+dropIn+"' > /etc/systemd/system/$u.d/lb.conf; done; systemctl daemon-reload")
	}
	t.Cleanup(func() {
		for _, h := range l.names {
			if out, err := l.trySSH(h, "rm -f /etc/systemd/system/hello.service.d/lb.conf /etc/systemd/system/hello@.service.d/lb.conf; systemctl daemon-reload"); err != nil {
				t.Errorf("%s: removing the lb drop-in: %v\n%s", h, err, out)
			}
		}
	})
}

// lbDrain is the drain the load-balancer tests use, derived in
// examples/haproxy/README.md: HAProxy follows a change in Consul within
// hold valid + timeout resolve = 2 s (measured: about 1.1 s at most), and
// hello answers in 100 ms (lbUnit). lb_refresh states that bound, so fleet
// itself refuses a shorter drain.
const lbDrain = "drain: 3s\n    lb_refresh: 2s"

func withDrain(t *testing.T, app, drain string) string {
	t.Helper()
	if !strings.Contains(app, "drain: 2s") {
		t.Fatal("app has no drain: 2s to replace")
	}
	return strings.Replace(app, "drain: 2s", drain, 1)
}

// lbCase runs fleet with args under load through HAProxy and logs one
// greppable line: lb case=NAME requests=N errors=N p99=…
func (l *lab) lbCase(t *testing.T, h haproxy, name string, args ...string) (run, lbResult) {
	t.Helper()
	ld := startLBLoad(h.url, 5*time.Minute, 200_000)
	time.Sleep(time.Second) // load before the first change…
	r := l.fleet(t, args...)
	time.Sleep(2 * time.Second) // …and after the last one
	res := ld.Stop()
	t.Logf("lb case=%s requests=%d errors=%d p99=%s non2xx=%d socket=%d p50=%s max=%s versions=%s exit=%d",
		name, res.Requests, res.Errors(), ms(res.P99), res.Non2xx, res.Socket, ms(res.P50), ms(res.Max), res.versionList(), r.code)
	for _, e := range res.FirstErrors {
		t.Logf("lb case=%s error: %s", name, e)
	}
	if res.Requests < 1000 {
		t.Fatalf("case %s: only %d requests: the load proves nothing", name, res.Requests)
	}
	return r, res
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
}

func assertNoLBErrors(t *testing.T, res lbResult) {
	t.Helper()
	if res.Errors() != 0 {
		t.Errorf("%d of %d requests through HAProxy failed (%d non-2xx, %d socket errors); first: %v",
			res.Errors(), res.Requests, res.Non2xx, res.Socket, res.FirstErrors)
	}
}

// In place with maxUnavailable=1, then a broken release rolled back
// automatically, then fleet rollback: clients of HAProxy see no error in
// any of the three.
func TestHAProxy_InPlaceRollbacksUnderLoad(t *testing.T) {
	l := theLab
	h := l.haproxy(t)
	l.resetConsulHosts(t)
	l.lbUnit(t)
	inv := l.writeInventory(t, inventoryOptions{appExtra: withDrain(t, consulApp, lbDrain), port: "{port}", deadline: "15s"})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d\n%s", r.code, r.stdout)
	}
	inLB := l.waitLBFollowsConsul(t, h, len(l.names))
	t.Logf("HAProxy serves %v", inLB)
	if srv := consulSRV(t, l.consulAddr(t)); !slices.Equal(srv, inLB) {
		t.Fatalf("Consul DNS SRV answers %v, HAProxy serves %v", srv, inLB)
	}

	ok := t.Run("inplace", func(t *testing.T) {
		r, res := l.lbCase(t, h, "inplace", "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
		if r.code != 0 {
			t.Fatalf("rollout v2: exit %d\n%s", r.code, r.stdout)
		}
		assertNoLBErrors(t, res)
		if res.Versions["v1"] == 0 || res.Versions["v2"] == 0 {
			t.Errorf("versions served %v: want v1 and v2 during the rollout", res.Versions)
		}
		l.waitLBFollowsConsul(t, h, len(l.names))
		l.assertMetaMatchesBinary(t, "v2")
	})
	ok = ok && t.Run("autorollback", func(t *testing.T) {
		r, res := l.lbCase(t, h, "autorollback", "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["bad"], "--version", "bad")
		if r.code != 1 {
			t.Fatalf("rollout of a broken release: exit %d, want 1 (rolled back)\n%s", r.code, r.stdout)
		}
		assertNoLBErrors(t, res)
		if res.Versions["bad"] != 0 || res.Versions["v2"] == 0 {
			t.Errorf("versions served %v: want v2 only (the broken release never admitted)", res.Versions)
		}
		l.waitLBFollowsConsul(t, h, len(l.names))
		l.assertMetaMatchesBinary(t, "v2")
	})
	ok = ok && t.Run("rollback", func(t *testing.T) {
		r, res := l.lbCase(t, h, "rollback", "rollback", "-i", inv, "-o", "json")
		if r.code != 0 {
			t.Fatalf("rollback: exit %d\n%s", r.code, r.stdout)
		}
		assertNoLBErrors(t, res)
		if res.Versions["v1"] == 0 || res.Versions["v2"] == 0 {
			t.Errorf("versions served %v: want v2 and v1 during the rollback", res.Versions)
		}
		l.waitLBFollowsConsul(t, h, len(l.names))
		l.assertMetaMatchesBinary(t, "v1")
	})
	if !ok {
		t.Log("a case failed: the cases after it did not run")
	}
}

// Surge with two slots per host, maxSurge=1 and maxUnavailable=0: HAProxy
// picks up each new instance from Consul and lets the old one go, with no
// error.
func TestHAProxy_SurgeRolloutUnderLoad(t *testing.T) {
	l := theLab
	h := l.haproxy(t)
	l.resetConsulHosts(t)
	l.lbUnit(t)
	opts := inventoryOptions{appExtra: withDrain(t, slotsApp, lbDrain), port: "{port}",
		strategy: "  max_unavailable: 0\n  max_surge: 1\n  max_failures: 0\n"}
	inv := l.writeInventory(t, opts)
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d\n%s", r.code, r.stdout)
	}
	before := l.waitLBFollowsConsul(t, h, len(l.names))
	r, res := l.lbCase(t, h, "surge", "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
	if r.code != 0 {
		t.Fatalf("rollout v2: exit %d\n%s", r.code, r.stdout)
	}
	assertNoLBErrors(t, res)
	if res.Versions["v1"] == 0 || res.Versions["v2"] == 0 {
		t.Errorf("versions served %v: want v1 and v2 during the rollout", res.Versions)
	}
	after := l.waitLBFollowsConsul(t, h, len(l.names))
	t.Logf("HAProxy served %v before, %v after", before, after)
	for _, a := range after {
		if slices.Contains(before, a) {
			t.Errorf("HAProxy still serves %s: a surge moves every host to its other slot", a)
		}
	}
	l.assertMetaMatchesBinary(t, "v2")
}

// The control: the same in-place rollout, the same HAProxy and the same
// load, with drain: 0s. Clients must see errors, or the zero-error results
// above would prove nothing about the drain.
func TestHAProxy_NoDrainControl(t *testing.T) {
	l := theLab
	h := l.haproxy(t)
	l.resetConsulHosts(t)
	l.lbUnit(t)
	inv := l.writeInventory(t, inventoryOptions{appExtra: withDrain(t, consulApp, "drain: 0s"), port: "{port}"})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d\n%s", r.code, r.stdout)
	}
	l.waitLBFollowsConsul(t, h, len(l.names))
	r, res := l.lbCase(t, h, "control-nodrain", "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
	if r.code != 0 {
		t.Fatalf("rollout v2: exit %d\n%s", r.code, r.stdout)
	}
	if res.Errors() == 0 {
		t.Errorf("no failed request through HAProxy without a drain (%d requests): the load cannot tell a drained rollout from an undrained one", res.Requests)
	}
	l.waitLBFollowsConsul(t, h, len(l.names))
}
