//go:build e2e

package labtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// openPrometheus reads .lab/prometheus-addr (lab.sh up with LB=1 or PROM=1)
// and checks that Prometheus answers on the bridge's own address. A missing
// Prometheus fails the test when the lab is expected, as a missing lab
// does, and skips it otherwise.
func (l *lab) openPrometheus(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(l.dir, "prometheus-addr"))
	if err != nil {
		msg := fmt.Sprintf("%v (start the lab with LB=1 or PROM=1: LB=1 e2e/lab/lab.sh up)", err)
		if labExpected() {
			t.Fatal("the lab's Prometheus is required but missing: " + msg)
		}
		t.Skip("no Prometheus: " + msg)
	}
	addr := strings.TrimSpace(string(b))
	u, err := url.Parse(addr)
	if err != nil || u.Scheme != "http" {
		t.Fatalf(".lab/prometheus-addr %q: not an http address", addr)
	}
	if err := l.checkURL(addr); err != nil {
		t.Fatalf("prometheus: %v", err)
	}
	// On the bridge's address itself, nowhere else (lab.sh passes it as
	// --web.listen-address): the bridge's subnet starts one below it.
	ip := net.ParseIP(u.Hostname()).To4()
	if ip == nil || !ip.Equal(bridgeAddr(l.subnet)) {
		t.Fatalf("prometheus listens on %s, want the bridge address %s", u.Host, bridgeAddr(l.subnet))
	}
	return addr
}

// bridgeAddr is the bridge's own address: the subnet's first host (lab.sh).
func bridgeAddr(subnet *net.IPNet) net.IP {
	ip := slices.Clone(subnet.IP.To4())
	ip[3]++
	return ip
}

// promTarget is one of Prometheus' active targets.
type promTarget struct {
	Labels    map[string]string `json:"labels"`
	Health    string            `json:"health"`
	LastError string            `json:"lastError"`
}

func promGet(ctx context.Context, base, path string, q url.Values, out any) error {
	u := base + path
	if q != nil {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := newLabHTTP().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	var env struct {
		Status string          `json:"status"`
		Data   json.RawMessage `json:"data"`
		Error  string          `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return fmt.Errorf("GET %s: decode: %w", u, err)
	}
	if env.Status != "success" {
		return fmt.Errorf("GET %s: %s", u, env.Error)
	}
	return json.Unmarshal(env.Data, out)
}

func promTargets(ctx context.Context, base string) ([]promTarget, error) {
	var data struct {
		ActiveTargets []promTarget `json:"activeTargets"`
	}
	err := promGet(ctx, base, "/api/v1/targets", url.Values{"state": {"active"}}, &data)
	return data.ActiveTargets, err
}

// promVector runs an instant query; returns one sample per label set, keyed
// by the values of the labels asked for, joined with "/".
func promVector(ctx context.Context, base, query string, keys ...string) (map[string]float64, error) {
	var data struct {
		Result []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		} `json:"result"`
	}
	if err := promGet(ctx, base, "/api/v1/query", url.Values{"query": {query}}, &data); err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, r := range data.Result {
		var k []string
		for _, key := range keys {
			k = append(k, r.Metric[key])
		}
		s, _ := r.Value[1].(string)
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: sample %v: %w", query, r.Value, err)
		}
		out[strings.Join(k, "/")] = v
	}
	return out, nil
}

// assertPrometheus: Prometheus is up on the bridge address, scrapes every
// hello instance the test registered in Consul (nodes: address -> host
// name) with the version from Consul's service meta as a label, and counts
// the requests this test sends to each of them.
func assertPrometheus(t *testing.T, l *lab, nodes map[string]string, version string) {
	t.Helper()
	ctx := t.Context()
	base := l.openPrometheus(t)
	if body := get(ctx, t, l, base+"/-/ready"); !strings.Contains(body, "Ready") {
		t.Fatalf("GET %s/-/ready = %q", base, body)
	}

	// Targets: discovery goes Consul -> lab.sh's file_sd bridge ->
	// Prometheus, whose discovery manager passes changes on every 5 s.
	start := time.Now()
	want := map[string]string{} // instance -> host
	for addr, name := range nodes {
		want[net.JoinHostPort(addr, strconv.Itoa(servicePort))] = name
	}
	waitUntil(ctx, t, 30*time.Second, "prometheus targets for every hello instance, up, labelled", func() (bool, string) {
		targets, err := promTargets(ctx, base)
		if err != nil {
			return false, err.Error()
		}
		var got []string
		ok := 0
		for _, tg := range targets {
			lb := tg.Labels
			if lb["job"] != serviceName {
				continue
			}
			got = append(got, fmt.Sprintf("%s{version=%s host=%s service_id=%s} %s %s",
				lb["instance"], lb["version"], lb["host"], lb["service_id"], tg.Health, tg.LastError))
			if host, mine := want[lb["instance"]]; mine && lb["version"] == version && lb["host"] == host &&
				lb["service_id"] == serviceName && tg.Health == "up" {
				ok++
			}
		}
		return ok == len(want), strings.Join(got, "; ")
	})
	t.Logf("prometheus: %d hello targets up with version=%s, host and service_id labels (%v)",
		len(want), version, time.Since(start).Round(time.Millisecond))

	// Requests: a known number to every instance, then the counter by
	// version and host must show at least that many (at least: the
	// deploy's own GET / counted too).
	const perHost = 25
	for addr := range nodes {
		for range perHost {
			get(ctx, t, l, fmt.Sprintf("http://%s/", net.JoinHostPort(addr, strconv.Itoa(servicePort))))
		}
	}
	start = time.Now()
	query := fmt.Sprintf(`sum by (version, host) (hello_requests_total{job=%q, code="200", version=%q})`, serviceName, version)
	waitUntil(ctx, t, 20*time.Second, query+" >= "+strconv.Itoa(perHost)+" on every host", func() (bool, string) {
		got, err := promVector(ctx, base, query, "version", "host")
		if err != nil {
			return false, err.Error()
		}
		for _, name := range nodes {
			if got[version+"/"+name] < perHost {
				return false, fmt.Sprint(got)
			}
		}
		return true, ""
	})
	t.Logf("prometheus: %s has every host's requests after %v", query, time.Since(start).Round(time.Millisecond))
}

// waitUntil polls cond every 250 ms until it holds; fails with what, the
// time waited and cond's last detail otherwise.
func waitUntil(ctx context.Context, t *testing.T, d time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		ok, detail := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: want %s; last: %s", d, what, detail)
		}
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}
