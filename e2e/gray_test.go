//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// grayAnalysis is app.analysis for the lab's Prometheus: the share of a
// version's requests answered 500 over the last 10 s (hello counts every
// request by code and version; Prometheus scrapes every second).
func grayAnalysis(t *testing.T, l *lab) string {
	t.Helper()
	addr, err := os.ReadFile(filepath.Join(l.dir, "prometheus-addr"))
	if err != nil {
		t.Fatalf("the lab has no Prometheus (LB=1 starts it): %v", err)
	}
	return fmt.Sprintf(`  analysis:
    prometheus: {address: %q, timeout: 5s}
    templates:
      - name: errors
        metrics:
          - name: error_rate
            query: 'sum(rate(hello_requests_total{code="500",version="{{.Version}}"}[10s])) / sum(rate(hello_requests_total{version="{{.Version}}"}[10s]))'
            condition: < 0.01
            initial_delay: 4s
            interval: 2s
            count: 3
            failure_limit: 0
      - name: latency
        metrics:
          - name: p90_latency
            query: 'histogram_quantile(0.9, sum by (le) (rate(hello_request_duration_seconds_bucket{version="{{.Version}}"}[10s])))'
            condition: <= 300ms
            initial_delay: 4s
            interval: 2s
            count: 3
            failure_limit: 0
`, strings.TrimSpace(string(addr)))
}

// A gray release under load through HAProxy, counted by the load client:
// a good build gets 1%, 10%, then 50% of the requests (each share
// measured while its step pauses), passes its analysis and reaches every
// host with zero failed requests and every Consul weight back to normal;
// then a build that fails 5% of its requests (/healthz healthy) is caught
// by the analysis at 5% and rolled back by itself: errors only while the
// canary took its share, none after, every host back on the good build;
// and a build 400 ms slower is caught by the latency query, likewise.
func TestGray_SharesAnalysisAndAutoRollback(t *testing.T) {
	l := theLab
	h := l.haproxy(t)
	l.resetConsulHosts(t)
	l.lbUnit(t)
	app := withDrain(t, consulApp, lbDrain) + grayAnalysis(t, l)
	plain := l.writeInventory(t, inventoryOptions{appExtra: app, port: "{port}", minHealthyTime: "1s"})
	if r := l.fleet(t, "rollout", "-i", plain, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d\n%s", r.code, r.stdout)
	}
	l.waitAllPassing(t, len(l.names))

	t.Run("good build: 1%, 10%, 50%, all, no failed request", func(t *testing.T) {
		inv := l.writeInventory(t, inventoryOptions{appExtra: app, port: "{port}", minHealthyTime: "1s",
			strategy: "  max_unavailable: 1\n  canary: 1\n  steps:\n" +
				"    - weight: 1%\n    - pause: 16s\n" +
				"    - weight: 10%\n    - analysis: errors\n    - pause: 10s\n" +
				"    - weight: 50%\n    - pause: 14s\n"})
		all := startLBLoad(h.url, 5*time.Minute, 500_000)
		b := l.fleetBackground(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
		for _, step := range []struct {
			n           string
			share, tol  float64
			settle, run time.Duration
		}{{"step 1", 1, 0.5, 3 * time.Second, 12 * time.Second}, {"step 3", 10, 2, 3 * time.Second, 6 * time.Second},
			{"step 6", 50, 2, 4 * time.Second, 9 * time.Second}} {
			b.waitEvent(t, "traffic_shifted "+step.n, 90*time.Second, func(e map[string]any) bool {
				return e["kind"] == "traffic_shifted" && e["step"] == step.n
			})
			time.Sleep(step.settle) // HAProxy follows Consul DNS within lb_refresh (2 s)
			ld := startLBLoad(h.url, step.run, 100_000)
			time.Sleep(step.run)
			res := ld.Stop()
			got := 100 * float64(res.Versions["v2"]) / float64(res.Requests)
			t.Logf("gray share %s: want %.0f%%, measured %.2f%% of %d requests (%s)", step.n, step.share, got, res.Requests, res.versionList())
			if got < step.share-step.tol || got > step.share+step.tol {
				t.Errorf("%s: v2 got %.2f%% of the requests, want %.0f%% ± %.1f", step.n, got, step.share, step.tol)
			}
			assertNoLBErrors(t, res)
		}
		r := b.wait(t, 3*time.Minute)
		time.Sleep(2 * time.Second)
		res := all.Stop()
		t.Logf("lb case=gray-good requests=%d errors=%d p99=%s versions=%s exit=%d", res.Requests, res.Errors(), ms(res.P99), res.versionList(), r.code)
		if r.code != 0 {
			t.Fatalf("gray rollout of a good build: exit %d\n%s", r.code, r.stdout)
		}
		assertNoLBErrors(t, res)
		l.assertOneVersionServing(t, "v2")
		l.assertNormalWeights(t)
	})

	t.Run("failing build: analysis at 5% rolls it back by itself", func(t *testing.T) {
		inv := l.writeInventory(t, inventoryOptions{appExtra: app, port: "{port}", minHealthyTime: "1s",
			strategy: "  max_unavailable: 1\n  canary: 1\n  steps:\n    - weight: 5%\n    - analysis: errors\n"})
		ld := startLBLoad(h.url, 5*time.Minute, 500_000)
		start := time.Now()
		r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--log-format", "json", "--log-level", "info",
			"--artifact", l.hello["errors"], "--version", "errors")
		took := time.Since(start)
		// --log-format json: every stderr line is a JSON record, the
		// agents' among them, with their host.
		agentHosts := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Errorf("--log-format json: stderr line is not JSON: %q", line)
				continue
			}
			if rec["source"] == "agent" {
				agentHosts[fmt.Sprint(rec["host"])] = true
			}
		}
		if len(agentHosts) != len(l.names) {
			t.Errorf("agent log records came from %v, want every host", agentHosts)
		}
		res := ld.Stop()
		var shifted, verdict, reason string
		var enabledAt, failedAt, drainedAt time.Time
		for _, e := range r.events {
			switch e["kind"] {
			case "traffic_shifted":
				shifted += fmt.Sprintf(" %v", e["step"])
			case "analysis_measure":
				if e["result"] == "fail" && failedAt.IsZero() {
					failedAt = eventTime(e)
				}
			case "analysis_done":
				verdict, reason = fmt.Sprint(e["result"]), fmt.Sprint(e["message"])
			case "host_step":
				if e["step"] == "enable" && enabledAt.IsZero() {
					enabledAt = eventTime(e) // the canary takes its share
				}
				if e["step"] == "drain" && !failedAt.IsZero() && drainedAt.IsZero() {
					drainedAt = eventTime(e) // the revert's drain: the canary leaves the balancer
				}
			}
		}
		t.Logf("gray: canary in the balancer → failed measurement %s → drain begun %s later (exposure %s)",
			failedAt.Sub(enabledAt).Round(time.Millisecond), drainedAt.Sub(failedAt).Round(time.Millisecond), drainedAt.Sub(enabledAt).Round(time.Millisecond))
		t.Logf("lb case=gray-errors requests=%d errors=%d (%.3f%%) versions=%s exit=%d in %s; shifts:%s; analysis %s: %s",
			res.Requests, res.Errors(), 100*float64(res.Errors())/float64(res.Requests), res.versionList(), r.code, took.Round(time.Second), shifted, verdict, reason)
		if r.code != 1 || verdict != "failed" {
			t.Fatalf("rollout of a build failing 5%% of requests: exit %d, analysis %q; want exit 1 (rolled back), failed\n%s", r.code, verdict, r.stdout)
		}
		// The canary took ~5% of the requests for a few seconds and failed
		// 1 in 20 of them: some errors, a small fraction of the whole.
		if res.Errors() == 0 || res.Errors() > res.Requests/100 {
			t.Errorf("%d of %d requests failed: want some (the canary served errors) and under 1%%", res.Errors(), res.Requests)
		}
		l.assertOneVersionServing(t, "v2")
		l.assertNormalWeights(t)
		// The canary's journal holds the verdict, for fleet history.
		var id string
		for _, e := range r.events {
			if e["kind"] == "rollout_started" {
				id = fmt.Sprint(e["rollout_id"])
			}
		}
		verdicts := 0
		for _, host := range l.names {
			for _, e := range l.journal(t, host) {
				if e["rollout_id"] == id && e["op"] == "verdict" && e["result"] == "failed" &&
					strings.Contains(fmt.Sprint(e["reason"]), "error_rate") {
					verdicts++
				}
			}
		}
		if verdicts != 1 {
			t.Errorf("%d hosts journalled the failed analysis of rollout %s, want the one canary", verdicts, id)
		}
		after := startLBLoad(h.url, 4*time.Second, 100_000)
		time.Sleep(4 * time.Second)
		res = after.Stop()
		assertNoLBErrors(t, res)
		if res.Versions["v2"] != res.Requests-res.Errors() {
			t.Errorf("after the rollback HAProxy served %s, want only v2", res.versionList())
		}
	})

	// The controller killed (SIGKILL) while the canary holds 10%: the next
	// fleet rollback takes the canary out first, returns it, and puts every
	// weight back, with no failed request throughout.
	t.Run("controller killed at a weighted step, then rollback", func(t *testing.T) {
		inv := l.writeInventory(t, inventoryOptions{appExtra: app, port: "{port}", minHealthyTime: "1s",
			strategy: "  max_unavailable: 1\n  canary: 1\n  steps:\n    - weight: 10%\n    - pause: 60s\n"})
		ld := startLBLoad(h.url, 5*time.Minute, 500_000)
		b := l.fleetBackground(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v3"], "--version", "v3")
		b.waitEvent(t, "the canary in the balancer", 90*time.Second, stepIs("", "enable"))
		time.Sleep(3 * time.Second)
		if err := b.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		b.wait(t, 30*time.Second)
		left := 0
		for _, in := range l.catalog(t) {
			if in.Weight != 1 {
				left++
			}
		}
		if left == 0 {
			t.Fatal("no weight was left shifted: the kill came too late to test anything")
		}
		if r := l.fleet(t, "rollback", "-i", inv, "-o", "json"); r.code != 0 {
			t.Fatalf("rollback after the kill: exit %d\n%s", r.code, r.stdout)
		}
		time.Sleep(2 * time.Second)
		res := ld.Stop()
		t.Logf("lb case=gray-killed requests=%d errors=%d p99=%s versions=%s; %d instances had a shifted weight after the kill",
			res.Requests, res.Errors(), ms(res.P99), res.versionList(), left)
		assertNoLBErrors(t, res)
		l.assertOneVersionServing(t, "v2")
		l.assertNormalWeights(t)
	})

	// A build that answers 400 ms slower (/healthz as fast as ever) passes
	// every health gate; the latency query catches it at 5% and it is
	// rolled back by itself, with no failed request.
	t.Run("slow build: latency query at 5% rolls it back by itself", func(t *testing.T) {
		inv := l.writeInventory(t, inventoryOptions{appExtra: app, port: "{port}", minHealthyTime: "1s",
			strategy: "  max_unavailable: 1\n  canary: 1\n  steps:\n    - weight: 5%\n    - analysis: latency\n"})
		ld := startLBLoad(h.url, 5*time.Minute, 500_000)
		r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["slow"], "--version", "slow")
		res := ld.Stop()
		var verdict, reason string
		for _, e := range r.events {
			if e["kind"] == "analysis_done" {
				verdict, reason = fmt.Sprint(e["result"]), fmt.Sprint(e["message"])
			}
		}
		t.Logf("lb case=gray-slow requests=%d errors=%d p99=%s versions=%s exit=%d; analysis %s: %s",
			res.Requests, res.Errors(), ms(res.P99), res.versionList(), r.code, verdict, reason)
		if r.code != 1 || verdict != "failed" {
			t.Fatalf("rollout of a slow build: exit %d, analysis %q; want exit 1 (rolled back), failed\n%s", r.code, verdict, r.stdout)
		}
		assertNoLBErrors(t, res)
		l.assertOneVersionServing(t, "v2")
		l.assertNormalWeights(t)
	})
}

func eventTime(e map[string]any) time.Time {
	ts, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(e["time"]))
	return ts
}

// assertNormalWeights: Consul lists every instance with the normal
// passing weight, 1, again.
func (l *lab) assertNormalWeights(t *testing.T) {
	t.Helper()
	for _, in := range l.catalog(t) {
		if in.Weight != 1 {
			t.Errorf("%s: Consul weight %d, want the normal 1", in, in.Weight)
		}
	}
}
