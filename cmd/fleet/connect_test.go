package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
)

func TestRollout_BadInventory(t *testing.T) {
	s := newSim(t, 2, hostsim.Options{}, "strategy:\n  max_unavailable: lots\n")
	r := s.rollout("v1")
	r.wantCode(t, exitCannotStart)

	data, err := os.ReadFile(s.inv)
	if err != nil {
		t.Fatal(err)
	}
	line := 0
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, "max_unavailable: lots") {
			line = i + 1
		}
	}
	want := regexp.MustCompile(regexp.QuoteMeta(s.inv) + `:` + strconv.Itoa(line) + `:\d+: strategy\.max_unavailable: `)
	if !want.MatchString(r.stderr) {
		t.Errorf("stderr does not point at %s:%d:\n%s", s.inv, line, r.stderr)
	}
	for _, h := range s.fleet.Hosts() {
		if h.Handshakes() != 0 {
			t.Errorf("%s was contacted despite a bad inventory", h.Name())
		}
	}
}

// TestRollout_UnknownHostKey: a host missing from known_hosts stops the
// rollout before anything is uploaded to it, and before any host changes.
func TestRollout_UnknownHostKey(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	sim2 := s.fleet.ByName("sim2")
	knownHosts := filepath.Join(filepath.Dir(s.inv), "known_hosts")
	data, err := os.ReadFile(knownHosts)
	if err != nil {
		t.Fatal(err)
	}
	kept := strings.Replace(string(data), sim2.Server().KnownHostsLine()+"\n", "", 1)
	if kept == string(data) {
		t.Fatal("sim2's line is not in known_hosts")
	}
	if err := os.WriteFile(knownHosts, []byte(kept), 0o600); err != nil {
		t.Fatal(err)
	}

	r := s.rollout("v1")
	r.wantCode(t, exitCannotStart)
	if !strings.Contains(r.stderr, "host sim2: connect:") || !strings.Contains(r.stderr, "host key unknown") {
		t.Errorf("stderr does not blame sim2's unknown host key:\n%s", r.stderr)
	}
	for _, dir := range []string{filepath.Join(sim2.Dir(), ".fleet"), filepath.Join(sim2.AppRoot(), "releases")} {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("sim2 got %s (%v)", dir, err)
		}
	}
	for _, h := range s.fleet.Hosts() {
		if len(h.Releases()) != 0 || h.Current() != "" || h.Restarts() != 0 {
			t.Errorf("%s changed: releases %v, current %q, %d restarts", h.Name(), h.Releases(), h.Current(), h.Restarts())
		}
	}

	// status still reports the hosts it can reach, and fails.
	st := s.run(t.Context(), "status")
	st.wantCode(t, exitCannotStart)
	rows := decodeRows(t, st.stdout)
	for _, row := range rows {
		unreachable := row.Host == "sim2"
		if unreachable != (row.Status == nil) || unreachable != (row.Error != "") {
			t.Errorf("status row %s: %+v", row.Host, row)
		}
	}
}

// TestRollout_InterruptedBeforeStart: a Ctrl-C before any host changed is
// an interrupt (130), not "could not start" (3).
func TestRollout_InterruptedBeforeStart(t *testing.T) {
	s := newSim(t, 2, hostsim.Options{}, "")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r := s.run(ctx, "rollout", "-a", s.artifact("v1"), "--version", "v1")
	r.wantCode(t, exitInterrupted)
	for _, h := range s.fleet.Hosts() {
		if len(h.Releases()) != 0 || h.Current() != "" {
			t.Errorf("%s changed", h.Name())
		}
	}
}
