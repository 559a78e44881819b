package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/hostsim"
)

var allSims = []string{"sim1", "sim2", "sim3"}

// unhealthy makes version "bad" fail its health checks on every host.
func unhealthy(_, version string) bool { return version == "bad" }

// failingDeadline is the health deadline of tests where a gate fails: the
// verdict only comes at the deadline. Healthy gates take about
// hostsim.MinHealthyTime, well within it.
const failingDeadline = 2 * time.Second

func TestRollout_TwoVersionsThenRerun(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")

	for i, v := range []string{"v1", "v2"} {
		r := s.mustRollout(v)
		if got := r.done(t); got != "succeeded" {
			t.Errorf("%s: rollout_done %q, want succeeded", v, got)
		}
		if got := hostsOf(r.kind(t, "host_step:upload")); !slices.Equal(got, allSims) {
			t.Errorf("%s: uploads to %v, want every host", v, got)
		}
		for _, h := range s.fleet.Hosts() {
			if got := h.Current(); got != v {
				t.Errorf("%s: %s: current %q, want %s", v, h.Name(), got, v)
			}
			if got := h.Restarts(); got != i+1 {
				t.Errorf("%s: %s: %d restarts, want %d (one per rollout)", v, h.Name(), got, i+1)
			}
		}
	}
	for _, h := range s.fleet.Hosts() {
		if got := fmt.Sprint(h.Releases()); got != "[v1 v2]" {
			t.Errorf("%s: releases %s, want [v1 v2]", h.Name(), got)
		}
		var switches []string
		for _, e := range h.JournalEntries(t) {
			if e.Op == agent.OpSwitch && e.Result == "ok" {
				switches = append(switches, e.From+"->"+e.To)
			}
		}
		if got := strings.Join(switches, " "); got != "->v1 v1->v2" {
			t.Errorf("%s: journal switches %q, want \"->v1 v1->v2\"", h.Name(), got)
		}
	}

	before := s.snapshot()
	r := s.mustRollout("v2")
	if ups := r.kind(t, "host_step:upload"); len(ups) != 0 {
		t.Errorf("re-run uploaded: %+v", ups)
	}
	for _, e := range r.kind(t, "host_state") {
		if e.State != "skipped" {
			t.Errorf("re-run: %s went %s, want skipped", e.Host, e.State)
		}
	}
	s.wantUnchanged(before, s.snapshot())
}

func TestRollout_UnhealthyVersionRollsBack(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{Unhealthy: unhealthy, HealthyDeadline: failingDeadline}, "")
	s.mustRollout("v2")

	r := s.rollout("bad")
	r.wantCode(t, exitRolledBack)
	if got := r.done(t); got != "failed, rolled back" {
		t.Errorf("rollout_done %q", got)
	}
	failed := failedHosts(t, r)
	if len(failed) != 1 {
		t.Fatalf("failed hosts %v, want exactly one (max_failures 0)", failed)
	}
	for _, h := range s.fleet.Hosts() {
		if got := h.Current(); got != "v2" {
			t.Errorf("%s: current %q, want v2", h.Name(), got)
		}
		want := 1 // the v2 rollout
		if h.Name() == failed[0] {
			want = 3 // bad, then back to v2
		}
		if got := h.Restarts(); got != want {
			t.Errorf("%s: %d restarts, want %d", h.Name(), got, want)
		}
	}
	if !strings.Contains(r.stderr, "unhealthy") {
		t.Errorf("stderr does not say why:\n%s", r.stderr)
	}
}

func TestRollout_NoAutoRollbackLeavesHostOnBad(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{Unhealthy: unhealthy, HealthyDeadline: failingDeadline}, "")
	s.mustRollout("v2")

	r := s.rollout("bad", "--no-auto-rollback")
	r.wantCode(t, exitMixed)
	failed := failedHosts(t, r)
	if len(failed) != 1 {
		t.Fatalf("failed hosts %v, want exactly one", failed)
	}
	for _, h := range s.fleet.Hosts() {
		want, restarts := "v2", 1
		if h.Name() == failed[0] {
			want, restarts = "bad", 2
		}
		if got := h.Current(); got != want {
			t.Errorf("%s: current %q, want %s", h.Name(), got, want)
		}
		if got := h.Restarts(); got != restarts {
			t.Errorf("%s: %d restarts, want %d", h.Name(), got, restarts)
		}
	}
}

// failedHosts lists the hosts a rollout reported failed.
func failedHosts(t *testing.T, r result) []string {
	t.Helper()
	var hosts []string
	for _, e := range r.kind(t, "host_state") {
		if e.State == "failed" {
			hosts = append(hosts, e.Host)
		}
	}
	return hosts
}

// TestRollout_Downgrade: with semantic versions, plan says a rollout is a
// downgrade; off a terminal a rollout of it is refused (exit 3, nothing
// changed) unless --allow-downgrade; a rollback to an earlier version is
// never asked about.
func TestRollout_Downgrade(t *testing.T) {
	s := newSim(t, 2, hostsim.Options{}, "")
	s.mustRollout("v1.3.0")
	s.mustRollout("v1.4.0")
	if r := s.run(t.Context(), "rollback", "--to", "v1.3.0"); r.code != exitOK {
		t.Fatalf("rollback to an earlier version: exit %d\n%s", r.code, r.stderr)
	}

	p := s.run(t.Context(), "plan", "-a", s.artifact("v1.2.0"), "--version", "v1.2.0")
	p.wantCode(t, exitOK)
	if sum := p.kind(t, "plan_summary"); len(sum) != 1 || sum[0].VersionChange != "downgrade" {
		t.Errorf("plan_summary = %+v, want version_change downgrade", sum)
	}
	text := s.run(t.Context(), "plan", "-o", "plain", "-a", s.artifact("v1.2.0"), "--version", "v1.2.0")
	if !strings.Contains(text.stdout, "Version change: DOWNGRADE on sim1 (v1.3.0), sim2 (v1.3.0)") {
		t.Errorf("plan text does not say downgrade:\n%s", text.stdout)
	}
	if up := s.run(t.Context(), "plan", "-a", s.artifact("v1.4.1"), "--version", "v1.4.1"); up.kind(t, "plan_summary")[0].VersionChange != "minor" {
		t.Errorf("plan v1.3.0 → v1.4.1: %+v, want minor", up.kind(t, "plan_summary"))
	}

	before := s.snapshot()
	r := s.rollout("v1.2.0")
	r.wantCode(t, exitCannotStart)
	if !strings.Contains(r.stderr, "rollout of v1.2.0 is a downgrade on 2 hosts") || !strings.Contains(r.stderr, "--allow-downgrade") {
		t.Errorf("refusal does not say why and what to do:\n%s", r.stderr)
	}
	if n := len(r.kind(t, "host_step")); n != 0 {
		t.Errorf("%d host_step events, want nothing done", n)
	}
	s.wantUnchanged(before, s.snapshot())

	s.mustRollout("v1.2.0", "--allow-downgrade")
	for _, h := range s.fleet.Hosts() {
		if h.Current() != "v1.2.0" {
			t.Errorf("%s: current %q, want v1.2.0", h.Name(), h.Current())
		}
	}
}

// TestTTY_DowngradeAsks: on a terminal, a downgrade by rollout asks even
// with --yes; no changes nothing (exit 3), yes goes on.
func TestTTY_DowngradeAsks(t *testing.T) {
	s := newSim(t, 1, hostsim.Options{}, "")
	s.mustRollout("v2.0.0")
	rollout := []string{"fleet", "rollout", "-i", s.inv, "--agent-binary", s.agentBin, "-a", s.artifact("v1.9.0"), "--version", "v1.9.0", "--yes"}
	const question = "rollout of v1.9.0 is a downgrade on 1 hosts: sim1 (v2.0.0). Continue? [y/N]"
	for _, c := range []struct {
		answer string
		code   int
		want   string
	}{{"n\n", exitCannotStart, "v2.0.0"}, {"y\n", exitOK, "v1.9.0"}} {
		p := openPTY(t, 160)
		codec := make(chan int, 1)
		go func() { codec <- runOnPTY(t.Context(), p, rollout) }()
		p.waitFor(t, question)
		p.type_(t, c.answer)
		code := <-codec
		p.closeTTY()
		if out := p.output(t); code != c.code {
			t.Errorf("answer %q: exit %d, want %d\n%s", c.answer, code, c.code, out)
		}
		if cur := s.fleet.Hosts()[0].Current(); cur != c.want {
			t.Errorf("answer %q: current %q, want %s", c.answer, cur, c.want)
		}
	}
}
