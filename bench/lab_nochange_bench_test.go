package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkLabNoChange times `fleet rollout` of the release every lab
// host already runs (dial, agent check and start, hello, lock, status, an
// empty plan, close), FLEETBENCH_NOCHANGE_RUNS times (default 20) with
// the controller's record of verified agent binaries (deploy's
// knownAgents: the start line compares the binary's fingerprint) and as
// many times without it (a fresh cache directory each run: the binary is
// hashed on the host twice per run, as before the record existed),
// interleaved. It reports both medians and, from the runs' --log-level
// debug phase trace, each phase's median (per run the slowest host's).
func BenchmarkLabNoChange(b *testing.B) {
	l := openLab(b)
	// The figure is the 3-host lab's; a lab up with more hosts
	// (for LabDistribute) is measured on its first three.
	n := min(3, len(l.names))
	l.names, l.addrs = l.names[:n], l.addrs[:n]
	ctx := b.Context()
	l.ensureUnit(ctx, b, 100*time.Millisecond)
	bin := buildFleet(b)
	inv := l.directInventory(b, "  max_unavailable: 1\n")
	art := writeArtifact(b, b.TempDir(), "nochange", 8<<20, 6)
	runs := envInt(b, "FLEETBENCH_NOCHANGE_RUNS", 20)
	cache := b.TempDir()
	b.Setenv("XDG_CACHE_HOME", cache)
	rollout := func() run {
		r := runFleet(ctx, b, bin, "rollout", "-i", inv, "-a", art, "--version", "bench-nochange",
			"--log-level", "debug", "--log-format", "json")
		r.mustSucceed(b, "rollout")
		return r
	}
	rollout()
	// A fingerprint is trusted only for a file changed at least 2 s
	// before it was read (deploy's settleTime); the second run learns it.
	time.Sleep(2500 * time.Millisecond)
	rollout()
	for range b.N {
		var fast, hashed []time.Duration
		fingerprinted := 0
		phases := map[string][]time.Duration{}
		for range runs {
			b.Setenv("XDG_CACHE_HOME", b.TempDir())
			hashed = append(hashed, rollout().wall)
			b.Setenv("XDG_CACHE_HOME", cache)
			r := rollout()
			if p := r.first("plan").Message; !strings.HasPrefix(p, "0 to change") {
				b.Fatalf("FAIL: a no-change run plans changes: %s", p)
			}
			fast = append(fast, r.wall)
			slowest, n := slowestPhases(b, r.stderr)
			for p, d := range slowest {
				phases[p] = append(phases[p], d)
			}
			fingerprinted += n
		}
		b.ReportMetric(median(fast).Seconds(), "median_s")
		b.ReportMetric(median(hashed).Seconds(), "hashed_median_s")
		for _, p := range []string{"dial", "agent_check", "agent_start", "hello", "lock", "status", "connect", "plan", "close"} {
			if ds := phases[p]; len(ds) > 0 {
				b.ReportMetric(float64(median(ds).Microseconds())/1000, p+"_ms")
			}
		}
		if fingerprinted != runs*len(l.names) {
			b.Fatalf("FAIL: the agent was checked by its fingerprint %d times in %d runs of %d hosts", fingerprinted, runs, len(l.names))
		}
	}
}

// slowestPhases reads the phase trace of one run's JSON logs: per phase,
// the slowest host's time (the run waits for it), and the whole run's
// phases as they are; and how many hosts' agents were checked by their
// fingerprint alone (a start by fingerprint that fails is followed by
// another agent_check line: the last one counts).
func slowestPhases(b *testing.B, stderr string) (map[string]time.Duration, int) {
	b.Helper()
	out, by := map[string]time.Duration{}, map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(stderr))
	for sc.Scan() {
		var line struct {
			Msg   string        `json:"msg"`
			Host  string        `json:"host"`
			Phase string        `json:"phase"`
			Took  time.Duration `json:"took"`
			By    string        `json:"by"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil || line.Msg != "phase" {
			continue
		}
		out[line.Phase] = max(out[line.Phase], line.Took)
		if line.Phase == "agent_check" {
			by[line.Host] = line.By
		}
	}
	if len(out) == 0 {
		b.Fatalf("no phase trace in the logs:\n%s", tail(stderr, 20))
	}
	fingerprinted := 0
	for _, how := range by {
		if how == "fingerprint" {
			fingerprinted++
		}
	}
	return out, fingerprinted
}

// directInventory is the fleetbench app on the lab hosts, dialled
// directly at their own addresses (no counting proxy, whose copying would
// be timed too; peers serve on those addresses), without Consul and with a
// command health check; strategy is the strategy block's lines.
func (l *lab) directInventory(b *testing.B, strategy string) string {
	b.Helper()
	var hosts strings.Builder
	for i, name := range l.names {
		fmt.Fprintf(&hosts, "      - {name: %s, address: %s}\n", name, l.addrs[i])
	}
	inv := fmt.Sprintf(`app:
  name: %[1]s
  binary: %[1]s
  root: %[2]s
  units: [%[3]s]
  keep: 3
  health:
    min_healthy_time: 0s
    healthy_deadline: 30s
    interval: 100ms
    checks:
      - command: {argv: ["/bin/true"], timeout: 10s}
ssh:
  user: root
  identity_files: [%[4]q]
  known_hosts: %[5]q
  host_key_check: strict
  config: none
strategy:
%[6]sgroups:
  - name: lab
    hosts:
%[7]s`, labApp, labRoot, labUnit, l.key, l.knownHosts, strategy, hosts.String())
	path := filepath.Join(b.TempDir(), "fleet.yaml")
	if err := os.WriteFile(path, []byte(inv), 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}
