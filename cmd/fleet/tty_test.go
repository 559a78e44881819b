package main

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fleetdeploy/fleet/hostsim"
)

// runOnPTY runs the command line in-process with the pty as its
// terminal (stdin, stdout and stderr).
func runOnPTY(ctx context.Context, p *pty, args []string) int {
	return runIO(ctx, args, p.tty, p.tty, p.tty)
}

// TestTTY_LiveRollout: on a terminal, rollout draws in-flight lines it
// redraws in place (cursor up, clear), a wave counter, one kept line per
// host done, and the final table; no line is wider than the terminal.
func TestTTY_LiveRollout(t *testing.T) {
	const cols = 100
	s := newSim(t, 3, hostsim.Options{MinHealthyTime: 600 * 1e6}, "")
	p := openPTY(t, cols)
	code := runOnPTY(t.Context(), p, []string{"fleet", "rollout", "-i", s.inv, "--agent-binary", s.agentBin,
		"-a", s.artifact("v1"), "--version", "v1", "--yes"})
	p.closeTTY()
	out := p.output(t)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if !regexp.MustCompile(`\r\x1b\[\d+A\x1b\[J`).MatchString(out) {
		t.Errorf("no in-place redraw (cursor up, clear) in:\n%q", out)
	}
	lines := screenLines(out)
	if testing.Verbose() {
		t.Logf("raw terminal output:\n%q", out)
	}
	for _, want := range []string{"wave 2/3 · 1/3 done", "gating", "✓ sim1", "✓ sim3", "▶ wave 3/3: sim3", "✓ rollout succeeded"} {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, want) }) {
			t.Errorf("the terminal never showed %q:\n%s", want, strings.Join(lines, "\n"))
		}
	}
	table := regexp.MustCompile(`(?m)^HOST +FROM +TO +RESULT +DURATION`)
	row := regexp.MustCompile(`(?m)^sim2 +\(none\) +v1 +changed +\d+ms`)
	screen := strings.Join(lines, "\n")
	if !table.MatchString(screen) || !row.MatchString(screen) {
		t.Errorf("no final table:\n%s", screen)
	}
	for _, l := range lines {
		if utf8.RuneCountInString(l) >= cols {
			t.Errorf("line wider than the terminal (%d): %q", utf8.RuneCountInString(l), l)
		}
	}
	if strings.Contains(out, `"kind"`) {
		t.Error("JSON on a terminal without --output json")
	}
}

// TestTTY_PlainOffTerminal: the same command into a pipe or file writes
// plain timestamped lines and never moves the cursor.
func TestTTY_PlainOffTerminal(t *testing.T) {
	s := newSim(t, 2, hostsim.Options{}, "")
	r := runArgs(t.Context(), []string{"fleet", "rollout", "-i", s.inv, "--agent-binary", s.agentBin, "-a", s.artifact("v1"), "--version", "v1"})
	r.wantCode(t, exitOK)
	if strings.Contains(r.stdout, "\x1b") {
		t.Errorf("escape sequences off a terminal:\n%q", r.stdout)
	}
	stamped := regexp.MustCompile(`^\d\d:\d\d:\d\d `)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "HOST ") })
	if i < 0 {
		t.Fatalf("no final table:\n%s", r.stdout)
	}
	for _, l := range lines[:i] {
		if !stamped.MatchString(l) {
			t.Errorf("not a timestamped line: %q", l)
		}
	}
	if !strings.Contains(r.stdout, "wave 1/2: sim1") || !strings.Contains(r.stdout, "rollout_done succeeded") {
		t.Errorf("plain output:\n%s", r.stdout)
	}
}

// TestTTY_PlainOnTerminal: --output plain keeps lines plain on a terminal.
func TestTTY_PlainOnTerminal(t *testing.T) {
	s := newSim(t, 1, hostsim.Options{}, "")
	p := openPTY(t, 80)
	code := runOnPTY(t.Context(), p, []string{"fleet", "rollout", "-i", s.inv, "-o", "plain", "--agent-binary", s.agentBin,
		"-a", s.artifact("v1"), "--version", "v1", "--yes"})
	p.closeTTY()
	out := p.output(t)
	if code != exitOK || strings.Contains(out, "\x1b[") {
		t.Errorf("exit %d, output:\n%q", code, out)
	}
}

// TestTTY_Confirm: on a terminal, a rollout changing more than the
// --confirm-above share of the fleet asks; no changes nothing (exit 3),
// yes goes on. --yes, a small share, or no terminal do not ask.
func TestTTY_Confirm(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	rollout := func(extra ...string) []string {
		return append([]string{"fleet", "rollout", "-i", s.inv, "--agent-binary", s.agentBin, "-a", s.artifact("v1"), "--version", "v1"}, extra...)
	}
	const question = "Continue? [y/N]"

	t.Run("No", func(t *testing.T) {
		before := s.snapshot()
		p := openPTY(t, 120)
		codec := make(chan int, 1)
		go func() { codec <- runOnPTY(t.Context(), p, rollout()) }()
		p.waitFor(t, question)
		p.type_(t, "n\n")
		code := <-codec
		p.closeTTY()
		out := p.output(t)
		if code != exitCannotStart || !strings.Contains(out, "rollout of v1 changes 3 of the fleet's 3 hosts (100%), more than 50%") ||
			!strings.Contains(out, "not confirmed; nothing changed") {
			t.Errorf("exit %d:\n%s", code, out)
		}
		s.wantUnchanged(before, s.snapshot())
	})
	t.Run("SmallShareDoesNotAsk", func(t *testing.T) {
		p := openPTY(t, 120)
		code := runOnPTY(t.Context(), p, rollout("--limit", "sim1"))
		p.closeTTY()
		if out := p.output(t); code != exitOK || strings.Contains(out, question) {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})
	t.Run("Yes", func(t *testing.T) {
		p := openPTY(t, 120)
		codec := make(chan int, 1)
		go func() { codec <- runOnPTY(t.Context(), p, rollout("--confirm-above", "1")) }()
		p.waitFor(t, "changes 2 of the fleet's 3 hosts (66%), more than 1")
		p.type_(t, "yes\n")
		code := <-codec
		p.closeTTY()
		if out := p.output(t); code != exitOK {
			t.Errorf("exit %d:\n%s", code, out)
		}
		for _, h := range s.fleet.Hosts() {
			if h.Current() != "v1" {
				t.Errorf("%s: current %q", h.Name(), h.Current())
			}
		}
	})
	t.Run("FlagYesAndPipes", func(t *testing.T) {
		p := openPTY(t, 120)
		code := runOnPTY(t.Context(), p, append(rollout("--yes"), "--version", "v2", "-a", s.artifact("v2")))
		p.closeTTY()
		if out := p.output(t); code != exitOK || strings.Contains(out, question) {
			t.Errorf("--yes: exit %d:\n%s", code, out)
		}
		// No terminal: never asks, whatever the share.
		r := runArgs(t.Context(), append(rollout(), "--version", "v3", "-a", s.artifact("v3")))
		r.wantCode(t, exitOK)
	})
	t.Run("BadConfirmAbove", func(t *testing.T) {
		r := runArgs(t.Context(), rollout("--confirm-above", "half"))
		r.wantCode(t, exitCannotStart)
		if !strings.Contains(r.stderr, "--confirm-above") {
			t.Errorf("stderr:\n%s", r.stderr)
		}
	})
}
