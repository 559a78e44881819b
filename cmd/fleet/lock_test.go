package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
)

// gateBlocker holds the first health request of a fleet until released,
// which keeps a rollout inside its first host's health gate.
type gateBlocker struct {
	entered chan struct{} // closed when the first request arrives
	release chan struct{}
	first   sync.Once
	unblock sync.Once
}

func newGateBlocker() *gateBlocker {
	return &gateBlocker{entered: make(chan struct{}), release: make(chan struct{})}
}

// unhealthy is hostsim.Options.Unhealthy: the first call blocks, every
// call answers healthy.
func (g *gateBlocker) unhealthy(_, _ string) bool {
	first := false
	g.first.Do(func() { first = true; close(g.entered) })
	if first {
		<-g.release
	}
	return false
}

func (g *gateBlocker) Release() { g.unblock.Do(func() { close(g.release) }) }

// bgRun is a command running in the background.
type bgRun struct {
	done chan struct{}
	r    result
}

// background runs fn in a goroutine. A cleanup releases the gate and waits
// for it, so a failing test does not leave a run behind.
func background(t *testing.T, g *gateBlocker, fn func() result) *bgRun {
	b := &bgRun{done: make(chan struct{})}
	go func() { defer close(b.done); b.r = fn() }()
	t.Cleanup(func() { g.Release(); <-b.done })
	return b
}

func (b *bgRun) wait() result { <-b.done; return b.r }

// waitGate waits until the background run is inside the gate.
func waitGate(t *testing.T, g *gateBlocker, b *bgRun) {
	t.Helper()
	select {
	case <-g.entered:
	case <-b.done:
		t.Fatalf("the run ended before its health gate: exit %d\n%s\n%s", b.r.code, b.r.stdout, b.r.stderr)
	}
}

func TestRollout_LockHeld(t *testing.T) {
	g := newGateBlocker()
	s := newSim(t, 3, hostsim.Options{Unhealthy: g.unhealthy}, "")
	bg := background(t, g, func() result { return s.rollout("v1") })
	waitGate(t, g, bg)

	r := s.rollout("v1")
	r.wantCode(t, exitCannotStart)
	for _, want := range []string{"lock held by", fmt.Sprintf("pid %d", os.Getpid())} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	if got := hostsOf(r.kind(t, "host_step")); len(got) != 0 {
		t.Errorf("the refused rollout took steps on %v", got)
	}

	// status needs no lock, and names the holder.
	for _, row := range s.status(t) {
		if row.Status == nil || row.Status.Lock == nil || row.Status.Lock.PID != os.Getpid() {
			t.Errorf("%s: status while held: %+v", row.Host, row)
		}
	}

	g.Release()
	bg.wait().wantCode(t, exitOK)
	for _, row := range s.status(t) {
		if row.Status == nil || row.Status.Lock != nil {
			t.Errorf("%s: lock not free after the rollout: %+v", row.Host, row.Status)
		}
	}
	for _, h := range s.fleet.Hosts() {
		if h.Current() != "v1" {
			t.Errorf("%s: current %q, want v1", h.Name(), h.Current())
		}
	}
}

// TestRollout_InterruptLetsInFlightHostFinish: the first Ctrl-C stops new
// hosts from starting, but the host inside its step finishes it (switch,
// restart and a health verdict) instead of being cut off halfway.
func TestRollout_InterruptLetsInFlightHostFinish(t *testing.T) {
	g := newGateBlocker()
	s := newSim(t, 3, hostsim.Options{Unhealthy: g.unhealthy}, "")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	art := s.artifact("v1")
	bg := background(t, g, func() result {
		return s.run(ctx, "rollout", "-a", art, "--version", "v1")
	})
	waitGate(t, g, bg)
	cancel()
	g.Release()

	r := bg.wait()
	r.wantCode(t, exitInterrupted)
	if got := r.done(t); got != "interrupted" {
		t.Errorf("rollout_done %q, want interrupted", got)
	}
	var inFlight string
	for _, h := range s.fleet.Hosts() {
		if h.Restarts() > 0 {
			if inFlight != "" {
				t.Fatalf("%s and %s both started after the interrupt", inFlight, h.Name())
			}
			inFlight = h.Name()
		}
	}
	if inFlight == "" {
		t.Fatal("no host was in flight")
	}
	for _, h := range s.fleet.Hosts() {
		if h.Name() != inFlight {
			if h.Current() != "" {
				t.Errorf("%s started after the interrupt: current %q", h.Name(), h.Current())
			}
			continue
		}
		if h.Current() != "v1" {
			t.Errorf("%s: current %q, want v1", h.Name(), h.Current())
		}
		var verdicts []string
		for _, e := range h.JournalEntries(t) {
			if e.Op == "health" {
				verdicts = append(verdicts, e.Version+"="+e.Result)
			}
		}
		if fmt.Sprint(verdicts) != "[v1=healthy]" {
			t.Errorf("%s: health verdicts %v, want the in-flight gate to finish healthy\nstdout:\n%s\nstderr:\n%s",
				h.Name(), verdicts, r.stdout, r.stderr)
		}
	}
}

// status runs `fleet status -o json` and decodes its rows.
func (s *sim) status(t *testing.T) []hostStatus {
	t.Helper()
	r := s.run(t.Context(), "status")
	r.wantCode(t, exitOK)
	var rows []hostStatus
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("status -o json: %v\n%s", err, r.stdout)
	}
	return rows
}
