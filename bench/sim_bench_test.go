package bench

import (
	"fmt"
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/fleetdeploy/fleet/hostsim"
)

// simCase is one rollout to a simulated fleet.
type simCase struct {
	hosts       int
	artifactMiB int
	restart     time.Duration // hostsim.Options.RestartLatency
	health      time.Duration // hostsim.Options.HealthLatency
	stage       string        // the rollout's --stage
	peers       bool          // strategy.distribute: peers, default seeds
}

// simDefaults reads FLEETBENCH_HOSTS and FLEETBENCH_ARTIFACT_MIB, for
// quick runs at a smaller scale; the recorded numbers use the defaults.
func simDefaults(b *testing.B) simCase {
	return simCase{
		hosts:       envInt(b, "FLEETBENCH_HOSTS", 1000),
		artifactMiB: envInt(b, "FLEETBENCH_ARTIFACT_MIB", 20),
		stage:       "before",
	}
}

// BenchmarkSimRollout rolls a 20 MiB artifact out to 1,000 simulated
// hosts with maxUnavailable=10% and no restart or health latency.
func BenchmarkSimRollout(b *testing.B) {
	c := simDefaults(b)
	b.Run(fmt.Sprintf("%dhosts-%dMiB", c.hosts, c.artifactMiB), func(b *testing.B) { benchSim(b, c) })
}

// BenchmarkSimRolloutLatency is the same rollout with a restart and a
// health answer of 1s each, compared with the floor: waves × 2s. It
// uploads ahead of the waves (--stage ahead), as a large fleet should.
func BenchmarkSimRolloutLatency(b *testing.B) {
	c := simDefaults(b)
	c.restart, c.health, c.stage = time.Second, time.Second, "ahead"
	b.Run(latencyName(c), func(b *testing.B) { benchSim(b, c) })
}

// BenchmarkSimRolloutLatencyStageBefore is BenchmarkSimRolloutLatency
// with every upload done before the first wave (--stage before, the
// default): the cost of that guarantee.
func BenchmarkSimRolloutLatencyStageBefore(b *testing.B) {
	c := simDefaults(b)
	c.restart, c.health = time.Second, time.Second
	b.Run(latencyName(c), func(b *testing.B) { benchSim(b, c) })
}

// latencyName names a latency case. Sub-benchmark names become temporary
// directory names, which the inventory's validation reads as part of the
// app root: no '='.
func latencyName(c simCase) string {
	return fmt.Sprintf("%dhosts-%dMiB-restart%s-health%s-stage-%s", c.hosts, c.artifactMiB, c.restart, c.health, c.stage)
}

func benchSim(b *testing.B, c simCase) {
	bin := buildFleet(b)
	work := b.TempDir()
	artifact := writeArtifact(b, work, "hello-v1", c.artifactMiB<<20, 1)
	// The hosts never run the agent binary (hostsim serves the protocol
	// in-process), so a small stand-in (FLEETBENCH_AGENT_KIB, default 64)
	// keeps the agent install, which a real fleet does once per host ever,
	// from dominating the rollout.
	agentBin := writeArtifact(b, work, "fleet-agent", envInt(b, "FLEETBENCH_AGENT_KIB", 64)<<10, 2)
	shm := tmpfsDir(b)
	// The simulated hosts share this process: let its garbage collector
	// run rarely (at a 4 GiB heap) rather than every few hosts, so that
	// the hosts' allocations (a buffer per SSH and SFTP packet) cost the
	// controller, which has its own process and defaults, as little CPU
	// as possible.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(4 << 30))
	for range b.N {
		b.StopTimer()
		baseline := runtime.NumGoroutine()
		f := hostsim.New(b, c.hosts, hostsim.Options{
			Dir:             shm,
			StandIns:        true,
			OwnAddresses:    c.peers, // each host serves on its own address
			RestartLatency:  c.restart,
			HealthLatency:   c.health,
			MinHealthyTime:  -1, // the first passing round: a gate is one health answer
			HealthInterval:  100 * time.Millisecond,
			HealthyDeadline: time.Minute,
		})
		strategy := "strategy:\n  max_unavailable: 10%\n"
		if c.peers {
			strategy += "  distribute: peers\n"
		}
		inv := f.WriteInventory(b, strategy)
		simCPU, busy := selfCPU(), machineBusy()
		b.StartTimer()
		r := runFleet(b.Context(), b, bin, "rollout", "-i", inv, "-a", artifact, "--version", "v1", "--agent-binary", agentBin, "--stage", c.stage)
		b.StopTimer()
		simCPU, busy = selfCPU()-simCPU, machineBusy()-busy
		saveEvents(b, r)
		r.mustSucceed(b, "rollout")
		checkSim(b, f, r, c)
		if c.peers {
			checkPeers(b, f, c)
		} else if c.stage == "before" {
			reportStageRate(b, f, r)
		}
		b.ReportMetric(simCPU.Seconds(), "sim_cpu_s")
		// What else kept the CPUs busy: the kernel's share of loopback
		// TCP that no process is charged for, and other processes.
		b.ReportMetric((busy - simCPU - r.cpu).Seconds(), "other_cpu_s")
		f.Close()
		checkGoroutines(b, baseline)
	}
}

// checkSim verifies the rollout and reports its metrics.
func checkSim(b *testing.B, f *hostsim.Fleet, r run, c simCase) {
	b.Helper()
	var extra, sessions []string
	var sent int64
	for _, h := range f.Hosts() {
		if n := h.Handshakes(); n != 1 {
			extra = append(extra, fmt.Sprintf("%s=%d", h.Name(), n))
		}
		if n := h.AgentSessions(); n != 1 {
			sessions = append(sessions, fmt.Sprintf("%s=%d", h.Name(), n))
		}
		if cur := h.Current(); cur != "v1" {
			b.Fatalf("%s: current %q after the rollout, want v1", h.Name(), cur)
		}
		sent += h.BytesReceived()
	}
	if len(extra) > 0 {
		b.Fatalf("FAIL: SSH handshakes per host must be exactly 1; %d of %d hosts differ: %s",
			len(extra), c.hosts, strings.Join(extra, " "))
	}
	if len(sessions) > 0 {
		b.Fatalf("FAIL: agent sessions per host must be exactly 1; %d of %d hosts differ: %s",
			len(sessions), c.hosts, strings.Join(sessions, " "))
	}
	planned, staged, done := r.first("plan"), r.first("staged"), r.first("rollout_done")
	firstWave := r.first("wave_started")
	start := r.first("rollout_started").Time
	b.ReportMetric(r.wall.Seconds(), "wall_s")
	b.ReportMetric(planned.Time.Sub(start).Seconds(), "connect_s")
	// With --stage ahead staging overlaps the waves: stage_s is then
	// plan -> last upload, and first_wave_s how long the first host
	// waited after the plan.
	b.ReportMetric(staged.Time.Sub(planned.Time).Seconds(), "stage_s")
	b.ReportMetric(firstWave.Time.Sub(planned.Time).Seconds(), "first_wave_s")
	activate := done.Time.Sub(firstWave.Time)
	b.ReportMetric(activate.Seconds(), "activate_s")
	b.ReportMetric(float64(r.cpu.Milliseconds())/float64(c.hosts), "ctl_cpu_ms/host")
	b.ReportMetric(r.cpu.Seconds(), "ctl_cpu_s")
	b.ReportMetric(float64(r.maxRSS)/(1<<20), "ctl_peak_rss_MiB")
	b.ReportMetric(1, "handshakes/host")
	b.ReportMetric(1, "agent_sessions/host")
	b.ReportMetric(float64(sent)/(1<<20), "sent_MiB")
	if !c.peers {
		b.ReportMetric(float64(sent)/float64(int64(c.hosts)*int64(c.artifactMiB)<<20), "sent/artifact_bytes")
	}
	if lat := c.restart + c.health; lat > 0 {
		floor := latencyFloor(c.hosts, planWindow(b, planned.Message), lat)
		b.ReportMetric(floor.Seconds(), "floor_s")
		b.ReportMetric(r.wall.Seconds()/floor.Seconds(), "wall/floor")
		b.ReportMetric(activate.Seconds()/floor.Seconds(), "activate/floor")
	}
}

// reportStageRate reports how many artifact bytes the staging phase
// (plan -> staged; with --stage before nothing else runs then) delivered
// per CPU-second that the controller and the simulated hosts spent in it:
// the figure BenchmarkSSHFloor's ssh_MB/cpu_s is compared with (in the
// table). Bytes are the upload payload the hosts' SFTP wrote, CPU time
// the two processes' user + system time; kernel time no process is
// charged for is left out on both sides.
func reportStageRate(b *testing.B, f *hostsim.Fleet, r run) {
	b.Helper()
	from, okFrom := r.marks["plan"]
	to, okTo := r.marks["staged"]
	if !okFrom || !okTo {
		b.Fatalf("no plan or staged event to measure the staging phase by: %v", r.marks)
	}
	var bytes int64
	for _, h := range f.Hosts() {
		bytes += h.UploadBytes()
	}
	ctl, sim := to.ctl-from.ctl, to.sim-from.sim
	b.ReportMetric(ctl.Seconds(), "stage_ctl_cpu_s")
	b.ReportMetric(sim.Seconds(), "stage_sim_cpu_s")
	b.ReportMetric(float64(bytes)/1e6/(ctl+sim).Seconds(), "stage_MB/cpu_s")
}

// latencyFloor is what no rollout can beat: one wave per window of hosts,
// each taking a restart and a health answer.
func latencyFloor(hosts, window int, wave time.Duration) time.Duration {
	return time.Duration((hosts+window-1)/window) * wave
}

var windowRE = regexp.MustCompile(`maxUnavailable=(\d+)`)

// planWindow reads the resolved window from the plan event's message.
func planWindow(b *testing.B, msg string) int {
	m := windowRE.FindStringSubmatch(msg)
	if m == nil {
		b.Fatalf("plan event %q names no maxUnavailable", msg)
	}
	n, _ := strconv.Atoi(m[1])
	return max(n, 1)
}

// checkGoroutines fails when, once the fleet is closed, more goroutines
// than before it started are still alive: a per-host leak would leave
// thousands. A few seconds are allowed for goroutines that are exiting.
func checkGoroutines(b *testing.B, baseline int) {
	b.Helper()
	const slack = 5
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > baseline+slack {
		if time.Now().After(deadline) {
			var dump strings.Builder
			_ = pprof.Lookup("goroutine").WriteTo(&dump, 1)
			b.Fatalf("FAIL: goroutine leak: %d goroutines after the fleet closed, %d before it started\n%s",
				runtime.NumGoroutine(), baseline, tail(dump.String(), 80))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// tmpfsDir returns a fresh directory on a tmpfs for the hosts, or "" (the
// test's temporary directory) when there is none: on a disk, the agents'
// fsyncs of 1,000 × 20 MiB would measure the disk, not fleet.
func tmpfsDir(b *testing.B) string {
	b.Helper()
	const shm = "/dev/shm"
	var st unix.Statfs_t
	if err := unix.Statfs(shm, &st); err != nil || st.Type != unix.TMPFS_MAGIC {
		b.Logf("no tmpfs at %s: hosts live in the test's temporary directory", shm)
		return ""
	}
	dir, err := os.MkdirTemp(shm, "fleetbench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// saveEvents writes the controller's JSON event lines and its stderr to
// the files named by FLEETBENCH_EVENTS and FLEETBENCH_STDERR, if set, for
// a closer look at a run.
func saveEvents(b *testing.B, r run) {
	for env, data := range map[string]string{"FLEETBENCH_EVENTS": r.stdout, "FLEETBENCH_STDERR": r.stderr} {
		if path := os.Getenv(env); path != "" {
			if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
				b.Error(err)
			}
		}
	}
}

// selfCPU is the user + system time of this process so far: the simulated
// hosts' work, while the controller runs in its own process.
func selfCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineBusy is the time all CPUs spent not idle so far, from /proc/stat.
func machineBusy() time.Duration {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	fields := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal …
	var busy int64
	for i, f := range fields[1:] {
		n, _ := strconv.ParseInt(f, 10, 64)
		if i != 3 && i != 4 && i < 8 { // not idle, not iowait, not guest
			busy += n
		}
	}
	return time.Duration(busy) * time.Second / 100 // USER_HZ
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}
