//go:build e2e

package labtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// haproxyWeight is how HAProxy 2.6 turns an SRV record's weight (0-65535)
// into a server weight (0-256): (w + 255) / 256, rounding up, so 1-256 all
// become 1 (src/resolvers.c). What the measurements below check.
func haproxyWeight(srv int) int { return (srv + 255) / 256 }

// weightsRequests is how many requests measure each case's shares.
const weightsRequests = 3000

// weightLab is hello on three hosts behind the lab's HAProxy: a canary
// release on the first, a stable one on the other two, each registered in
// its host's Consul agent.
type weightLab struct {
	l        *lab
	lb       loadBalancer
	hosts    [3]string // addresses; hosts[0] runs the canary
	versions [3]string
	clients  map[string]*ssh.Client
}

// TestLab_HAProxyWeights measures what a gray release builds on: the share
// of requests the lab's HAProxy (examples/haproxy) sends to each instance
// for the Consul service Weights set on it, how long a weight change takes
// to reach HAProxy, and what Consul and HAProxy do with the edges. It takes
// a few minutes and changes nothing in fleet: FLEET_LAB_WEIGHTS=1 runs it.
// The figures are in /work/shared/notes/haproxy-weights.md.
func TestLab_HAProxyWeights(t *testing.T) {
	if os.Getenv("FLEET_LAB_WEIGHTS") != "1" {
		t.Skip("a measurement of a few minutes: FLEET_LAB_WEIGHTS=1 runs it")
	}
	l := openLab(t)
	lb, err := l.openLB()
	if err != nil {
		t.Fatal(err)
	}
	if len(l.hosts) < 3 {
		t.Fatalf("need 3 lab hosts, have %d", len(l.hosts))
	}
	w := &weightLab{l: l, lb: lb, clients: map[string]*ssh.Client{}}
	copy(w.hosts[:], l.hosts[:3])
	stamp := time.Now().Unix()
	canary, stable := fmt.Sprintf("canary-%d", stamp), fmt.Sprintf("stable-%d", stamp)
	w.versions = [3]string{canary, stable, stable}
	arts := map[string]artifacts{canary: buildArtifacts(t, l.root, canary), stable: buildArtifacts(t, l.root, stable)}

	var mu sync.Mutex
	t.Cleanup(func() { cleanupHosts(t, l, w.clients) })
	deployed := t.Run("deploy", func(t *testing.T) {
		for i, host := range w.hosts {
			t.Run(host, func(t *testing.T) {
				t.Parallel()
				c, err := l.dial(t.Context(), host)
				if err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				w.clients[host] = c
				mu.Unlock()
				deployHost(t.Context(), t, l, c, host, w.versions[i], arts[w.versions[i]])
			})
		}
	})
	if !deployed {
		t.FailNow()
	}
	if _, err := w.waitWeights(t.Context(), [3]int{1, 1, 1}, 30*time.Second); err != nil {
		t.Fatalf("haproxy never served the three instances: %v", err)
	}

	t.Run("mapping", w.testMapping)
	t.Run("shares", w.testShares)
	t.Run("propagation", w.testPropagation)
	t.Run("zero", w.testZero)
	t.Run("same-host", w.testSameHost)
}

// register (re-)registers hello on host i with Weights.Passing = weight
// (-1: no Weights, Consul's default 1).
func (w *weightLab) register(ctx context.Context, i, weight int) error {
	cmd := fmt.Sprintf("%s/consulreg register -id %s -name %s -port %d -check-http http://127.0.0.1:%d/healthz -meta version=%s -weight %d",
		helperDir, serviceName, serviceName, servicePort, servicePort, w.versions[i], weight)
	_, err := run(ctx, w.clients[w.hosts[i]], cmd, nil)
	return err
}

// setWeights registers all three at once; returns when every call returned.
func (w *weightLab) setWeights(ctx context.Context, weights [3]int) error {
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() { errs[i] = w.register(ctx, i, weights[i]) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// waitWeights polls HAProxy's stats socket every 10 ms until the three
// servers are UP with the given HAProxy weights; returns how long it took.
func (w *weightLab) waitWeights(ctx context.Context, want [3]int, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	var last string
	for time.Since(start) < timeout {
		srv, err := w.lb.servers()
		if err != nil {
			return 0, err
		}
		ok := true
		var got []string
		for i, h := range w.hosts {
			s := srv[net.JoinHostPort(h, strconv.Itoa(servicePort))]
			got = append(got, fmt.Sprintf("%s %s w=%d", h, s.Status, s.Weight))
			ok = ok && s.Status == "UP" && s.Weight == want[i]
		}
		if ok {
			return time.Since(start), nil
		}
		last = strings.Join(got, ", ")
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return 0, fmt.Errorf("haproxy weights %v not reached in %v; last: %s", want, timeout, last)
}

// measure sends n requests through HAProxy (8 keep-alive connections) and
// counts the answers by hello's version.
func (w *weightLab) measure(ctx context.Context, n int) (map[string]int, error) {
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 8}}
	defer client.CloseIdleConnections()
	jobs := make(chan struct{})
	var mu sync.Mutex
	counts := map[string]int{}
	var firstErr error
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range jobs {
				v, err := hit(ctx, client, w.lb.url+"/")
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				counts[v]++
				mu.Unlock()
			}
		})
	}
	for range n {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	return counts, firstErr
}

// hit GETs url and returns the version in hello's answer ("hello from V on
// H"), or "error".
func hit(ctx context.Context, client *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "error", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "error", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "error", err
	}
	f := strings.Fields(string(b))
	if resp.StatusCode != http.StatusOK || len(f) < 3 {
		return "error", fmt.Errorf("GET %s: %s %q", url, resp.Status, b)
	}
	return f[2], nil
}

// testMapping sets the canary's SRV weight across HAProxy's steps and reads
// the server weight HAProxy made of it.
func (w *weightLab) testMapping(t *testing.T) {
	ctx := t.Context()
	for _, srv := range []int{1, 2, 99, 255, 256, 257, 511, 512, 513, 1000, 12800, 25344, 65280, 65281, 65535} {
		if err := w.setWeights(ctx, [3]int{srv, 256, 256}); err != nil {
			t.Fatal(err)
		}
		want := haproxyWeight(srv)
		if _, err := w.waitWeights(ctx, [3]int{want, 1, 1}, 10*time.Second); err != nil {
			t.Errorf("SRV weight %d: %v", srv, err)
			continue
		}
		t.Logf("WEIGHTS|mapping| SRV weight %5d -> HAProxy weight %3d", srv, want)
	}
}

// weightCase is one setting of the three instances' Consul weights
// (-1: no Weights registered).
type weightCase struct {
	name   string
	consul [3]int
}

func (w *weightLab) testShares(t *testing.T) {
	ctx := t.Context()
	cases := []weightCase{
		{"default (no Weights)", [3]int{-1, -1, -1}},
		// the share read literally off the weights, as fleet might set them
		{"literal 1:99 per instance", [3]int{1, 99, 99}},
		{"literal 1% (1 vs 49.5 -> 50)", [3]int{1, 50, 50}},
		{"literal 10% (10 vs 45)", [3]int{10, 45, 45}},
		{"literal 50% (50 vs 25)", [3]int{50, 25, 25}},
		// scaled by 256: HAProxy weights 2:99:99, 2:9:9, 2:1:1
		{"scaled 1% (512 vs 25344)", [3]int{512, 25344, 25344}},
		{"scaled 10% (512 vs 2304)", [3]int{512, 2304, 2304}},
		{"scaled 50% (512 vs 256)", [3]int{512, 256, 256}},
		// the same shares with other units: does the rounding depend on them?
		{"scaled 1% (256 vs 12800)", [3]int{256, 12800, 12800}},
		{"scaled 10% (1024 vs 4608)", [3]int{1024, 4608, 4608}},
		{"scaled 10% (5120 vs 23040)", [3]int{5120, 23040, 23040}},
		{"scaled 50% (25600 vs 12800)", [3]int{25600, 12800, 12800}},
		// the smallest share HAProxy can give one of three instances
		{"floor (1 vs 65535)", [3]int{1, 65535, 65535}},
	}
	for _, tc := range cases {
		if err := w.setWeights(ctx, tc.consul); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var hw [3]int
		for i, c := range tc.consul {
			hw[i] = haproxyWeight(max(c, 1)) // no Weights: Consul's 1
		}
		took, err := w.waitWeights(ctx, hw, 10*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		counts, err := w.measure(ctx, weightsRequests)
		if err != nil {
			t.Errorf("%s: %v (counts %v)", tc.name, err, counts)
		}
		// a second batch at the same weights: the first starts right
		// after HAProxy changed them, the second in its steady state
		again, err := w.measure(ctx, weightsRequests)
		if err != nil {
			t.Errorf("%s: %v (counts %v)", tc.name, err, again)
		}
		got := float64(counts[w.versions[0]]) / weightsRequests
		steady := float64(again[w.versions[0]]) / weightsRequests
		want := float64(hw[0]) / float64(hw[0]+hw[1]+hw[2])
		literal := float64(max(tc.consul[0], 1)) / float64(max(tc.consul[0], 1)+max(tc.consul[1], 1)+max(tc.consul[2], 1))
		t.Logf("WEIGHTS|shares| %-30s | consul %v | haproxy %v (after %v) | 2 x %d requests | canary %5.2f%%, then %5.2f%% (haproxy weights say %5.2f%%, consul weights %5.2f%%)",
			tc.name, tc.consul, hw, took.Round(time.Millisecond), weightsRequests, 100*got, 100*steady, 100*want, 100*literal)
		if math.Abs(got-want) > max(0.005, want/10) {
			t.Errorf("%s: canary share %.2f%%, want %.2f%% from HAProxy weights %v", tc.name, 100*got, 100*want, hw)
		}
	}
}

// sample is one answer seen through HAProxy during the propagation test.
type sample struct {
	at     time.Time
	canary bool
}

// testPropagation flips the canary between HAProxy weight 1 and 256 (the
// stables at 1) under steady load, and times each flip from the return of
// the Consul agent API call to (a) HAProxy's stats showing the new weight
// and (b) the canary's share of answers crossing the midpoint (33% <-> 99%).
func (w *weightLab) testPropagation(t *testing.T) {
	ctx := t.Context()
	if err := w.setWeights(ctx, [3]int{256, 256, 256}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.waitWeights(ctx, [3]int{1, 1, 1}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var samples []sample
	loadCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 4}}
	for range 4 {
		wg.Go(func() {
			for loadCtx.Err() == nil {
				v, err := hit(loadCtx, client, w.lb.url+"/")
				if err != nil {
					continue
				}
				mu.Lock()
				samples = append(samples, sample{at: time.Now(), canary: v == w.versions[0]})
				mu.Unlock()
			}
		})
	}
	defer func() { stop(); wg.Wait(); client.CloseIdleConnections() }()

	const flips = 20
	var sockTimes, shareTimes []time.Duration
	for k := range flips {
		up := k%2 == 0
		srv, hw := 256, 1
		if up {
			srv, hw = 65535, 256
		}
		// a random phase against HAProxy's resolution timer
		if err := pause(ctx, time.Duration(500+rand.IntN(1500))*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if err := w.register(ctx, 0, srv); err != nil {
			t.Fatal(err)
		}
		called := time.Now()
		sock, err := w.waitWeights(ctx, [3]int{hw, 1, 1}, 15*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if err := pause(ctx, 500*time.Millisecond); err != nil { // answers after the change
			t.Fatal(err)
		}
		mu.Lock()
		share, ok := shareChange(samples, called, up)
		mu.Unlock()
		if !ok {
			t.Errorf("flip %d (canary weight %d): no change of share seen", k+1, hw)
			continue
		}
		sockTimes = append(sockTimes, sock)
		shareTimes = append(shareTimes, share)
		t.Logf("WEIGHTS|propagation| flip %2d: canary HAProxy weight -> %3d: stats after %4d ms, share after %4d ms",
			k+1, hw, sock.Milliseconds(), share.Milliseconds())
	}
	t.Logf("WEIGHTS|propagation| %d flips: HAProxy stats %s; share %s", len(sockTimes), summary(sockTimes), summary(shareTimes))
}

// shareChange finds the first answer after `after` from which the next 30
// answers have the canary's share on the far side of the midpoint (2/3
// between 1/3 and ~1): when the new weight took effect for clients.
func shareChange(s []sample, after time.Time, up bool) (time.Duration, bool) {
	const window = 30
	for i := range s {
		if s[i].at.Before(after) || i+window > len(s) {
			continue
		}
		n := 0
		for _, x := range s[i : i+window] {
			if x.canary {
				n++
			}
		}
		if frac := float64(n) / window; (up && frac > 2.0/3) || (!up && frac < 2.0/3) {
			return s[i].at.Sub(after), true
		}
	}
	return 0, false
}

// pause waits d, or until ctx ends.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func summary(d []time.Duration) string {
	if len(d) == 0 {
		return "none"
	}
	lo, hi, sum := d[0], d[0], time.Duration(0)
	for _, x := range d {
		lo, hi, sum = min(lo, x), max(hi, x), sum+x
	}
	return fmt.Sprintf("min %d ms, mean %d ms, max %d ms", lo.Milliseconds(), (sum / time.Duration(len(d))).Milliseconds(), hi.Milliseconds())
}

// testZero: Consul refuses Weights.Passing 0, so an instance cannot be
// weighted out of HAProxy through Consul (HAProxy would take SRV weight 0
// as server weight 0: no new requests).
func (w *weightLab) testZero(t *testing.T) {
	err := w.register(t.Context(), 0, 0)
	if err == nil {
		t.Fatal("Consul accepted Weights.Passing 0")
	}
	t.Logf("WEIGHTS|zero| Weights.Passing 0: %v", err)
	if !strings.Contains(err.Error(), "Passing must be greater than 0") {
		t.Errorf("unexpected refusal: %v", err)
	}
	// the instance keeps its last registration
	srv, err := w.lb.servers()
	if err != nil {
		t.Fatal(err)
	}
	s := srv[net.JoinHostPort(w.hosts[0], strconv.Itoa(servicePort))]
	t.Logf("WEIGHTS|zero| canary after the refusal: %s weight %d", s.Status, s.Weight)
}

// testSameHost starts a second stable instance on the second host (port
// 8081, a transient unit) and registers it too: two SRV records for one
// host, as fleet's slots make, first with the node as their target (no
// service address: what fleet registers), then with the host's address as
// the service address (target <hex>.addr.<dc>.consul). Does HAProxy serve
// both? Logged, not asserted: a measurement.
func (w *weightLab) testSameHost(t *testing.T) {
	ctx := t.Context()
	const id, port = "hello-b", 8081
	host := w.hosts[1]
	c := w.clients[host]
	start := fmt.Sprintf("systemd-run --unit=%s -p DynamicUser=yes --setenv=PORT=%d %s/current/hello", id, port, helloRoot)
	if _, err := run(ctx, c, start, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		script := fmt.Sprintf("%s/consulreg deregister -id %s; systemctl stop %s; systemctl reset-failed %s 2>/dev/null || true", helperDir, id, id, id)
		if _, err := run(cctx, c, script, nil); err != nil {
			t.Errorf("cleanup %s: %v", id, err)
		}
	})
	if err := w.setWeights(ctx, [3]int{-1, -1, -1}); err != nil {
		t.Fatal(err)
	}
	for _, address := range []string{"", host} {
		for _, inst := range []struct {
			id   string
			port int
		}{{serviceName, servicePort}, {id, port}} {
			reg := fmt.Sprintf("%s/consulreg register -id %s -name %s -port %d -address %q -check-http http://127.0.0.1:%d/healthz -meta version=%s",
				helperDir, inst.id, serviceName, inst.port, address, inst.port, w.versions[1])
			if _, err := run(ctx, c, reg, nil); err != nil {
				t.Fatal(err)
			}
		}
		// past HAProxy's 2 s bound (hold valid + timeout resolve), so
		// that it has the new SRV targets
		if err := pause(ctx, 3*time.Second); err != nil {
			t.Fatal(err)
		}
		w.sameHostShares(t, host, address, []string{
			net.JoinHostPort(host, strconv.Itoa(servicePort)), net.JoinHostPort(host, strconv.Itoa(port)),
		})
	}
}

// sameHostShares waits up to 15 s for both addresses to be UP in HAProxy,
// then logs every server's share of 1000 requests.
func (w *weightLab) sameHostShares(t *testing.T, host, address string, both []string) {
	ctx := t.Context()
	var last map[string]lbServer
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		srv, err := w.lb.servers()
		if err != nil {
			t.Fatal(err)
		}
		last = srv
		if srv[both[0]].Status == "UP" && srv[both[1]].Status == "UP" {
			break
		}
		if err := pause(ctx, 200*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.measure(ctx, 1000); err != nil {
		t.Logf("measure: %v", err)
	}
	after, err := w.lb.servers()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for addr, s := range after {
		lines = append(lines, fmt.Sprintf("%s %s %d requests", addr, s.Status, s.Total-last[addr].Total))
	}
	slices.Sort(lines)
	t.Logf("WEIGHTS|same-host| two instances on %s, service address %q; HAProxy servers with an address, and their share of 1000 requests: %s",
		host, address, strings.Join(lines, "; "))
	state, err := w.lb.command("show servers state hello")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(state, "\n") {
		if f := strings.Fields(line); len(f) > 18 && f[0] != "#" && f[4] != "-" {
			t.Logf("WEIGHTS|same-host| server %s addr %s port %s SRV target %s", f[3], f[4], f[18], f[17])
		}
	}
}
