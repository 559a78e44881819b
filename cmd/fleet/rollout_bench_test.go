package main

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/hostsim"
)

// BenchmarkRolloutInProcess runs `fleet rollout` in-process against a
// hostsim fleet (FLEETBENCH_HOSTS hosts, default 100; a 20 MiB artifact),
// so that one CPU profile (-cpuprofile) shows controller and simulator
// together (split by the pprof label side=controller). The recorded numbers come from bench/ (the controller in its
// own process); this one is for profiling.
func BenchmarkRolloutInProcess(b *testing.B) {
	hosts := 100
	if v, err := strconv.Atoi(os.Getenv("FLEETBENCH_HOSTS")); err == nil && v > 0 {
		hosts = v
	}
	dir := b.TempDir()
	art := filepath.Join(dir, "hello-v1")
	data := make([]byte, 20<<20)
	_, _ = rand.Read(data)
	if err := os.WriteFile(art, data, 0o755); err != nil {
		b.Fatal(err)
	}
	agentBin := filepath.Join(dir, "fleet-agent")
	if err := os.WriteFile(agentBin, []byte("#!/bin/false\nsimulated fleet agent\n"), 0o755); err != nil {
		b.Fatal(err)
	}
	for range b.N {
		b.StopTimer()
		baseline := runtime.NumGoroutine()
		f := hostsim.New(b, hosts, hostsim.Options{Dir: shmDir(b), StandIns: true, MinHealthyTime: -1})
		inv := f.WriteInventory(b, "strategy:\n  max_unavailable: 10%\n")
		b.StartTimer()
		// Goroutines inherit pprof labels: -tagfocus side=controller
		// (or -tagignore) splits the profile between the two sides.
		var r result
		pprof.Do(b.Context(), pprof.Labels("side", "controller"), func(ctx context.Context) {
			r = runArgs(ctx, []string{"fleet", "rollout", "-i", inv, "-o", "json", "--agent-binary", agentBin, "-a", art, "--version", "v1"})
		})
		b.StopTimer()
		if r.code != exitOK {
			b.Fatalf("rollout: exit %d\n%s", r.code, r.stderr)
		}
		for _, h := range f.Hosts() {
			if h.Handshakes() != 1 {
				b.Fatalf("%s: %d SSH handshakes, want 1", h.Name(), h.Handshakes())
			}
		}
		f.Close()
		waitGoroutines(b, baseline)
	}
}

// shmDir is a fresh directory on /dev/shm when it exists, else "".
func shmDir(b *testing.B) string {
	dir, err := os.MkdirTemp("/dev/shm", "fleetbench-")
	if err != nil {
		return ""
	}
	b.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// waitGoroutines fails when goroutines outlive the rollout and the fleet:
// the controller's and the simulator's together must come back to the
// count before the fleet started (a few exiting ones aside).
func waitGoroutines(tb testing.TB, baseline int) {
	tb.Helper()
	const slack = 5
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > baseline+slack {
		if time.Now().After(deadline) {
			var dump strings.Builder
			_ = pprof.Lookup("goroutine").WriteTo(&dump, 1)
			tb.Fatalf("goroutine leak: %d goroutines, %d before the fleet started\n%s", runtime.NumGoroutine(), baseline, dump.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRollout_NoGoroutineLeak runs two rollouts and a rollback through the
// whole controller against ten simulated hosts, closes the fleet, and
// requires the goroutine count to come back: a per-host leak (a session
// reader, a keepalive loop, an SFTP client) would leave tens behind.
func TestRollout_NoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	s := newSim(t, 10, hostsim.Options{StandIns: true}, "strategy:\n  max_unavailable: 30%\n")
	s.mustRollout("v1")
	s.mustRollout("v2", "--stage", "ahead")
	s.run(t.Context(), "rollback").wantCode(t, exitOK)
	s.rollout("v3", "--stage", "ahead", "--canary", "1", "--pause-after-canary").wantCode(t, exitPaused)
	s.fleet.Close()
	waitGoroutines(t, before)
}
