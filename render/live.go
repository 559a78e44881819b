package render

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/deploy"
)

// liveRedraw bounds how often the in-flight lines are redrawn when only
// they changed; lines that stay (a host done, a wave started) print at once.
const liveRedraw = 100 * time.Millisecond

// liveRenderer draws for a person at a terminal: lines that stay (the
// plan, each wave, each host done or failed) scroll up as usual, and below
// them a block of lines redrawn in place: a header with the wave counter
// and one line per host in flight with its current step. At the end the
// block is erased and the summary table printed.
type liveRenderer struct {
	w     io.Writer
	width int
	now   func() time.Time

	start             time.Time
	command, version  string
	wave, waves       int
	total, done, fail int

	flight  map[string]string // host → what it is doing
	order   []string          // hosts in flight, in the order they started
	drawn   int               // block lines on the screen now
	last    time.Time         // last redraw
	summary []deploy.Event
}

func newLiveRenderer(w io.Writer, width int, now func() time.Time) *liveRenderer {
	return &liveRenderer{w: w, width: width, now: now, flight: map[string]string{}}
}

func (l *liveRenderer) render(e deploy.Event) {
	keep := l.update(e)
	if keep == "" && e.Kind != deploy.KindRolloutDone && l.now().Sub(l.last) < liveRedraw {
		return
	}
	l.erase()
	if keep != "" {
		for _, line := range strings.Split(keep, "\n") { // a changelog keeps several
			fmt.Fprintln(l.w, l.fit(line))
		}
	}
	if e.Kind == deploy.KindRolloutDone {
		if len(l.summary) > 0 {
			fmt.Fprintln(l.w)
			writeSummaryTable(l.w, l.summary)
		}
		l.summary, l.order, l.flight = nil, nil, map[string]string{}
		return
	}
	l.draw()
}

// update applies e to the state and returns the line to keep, if any.
func (l *liveRenderer) update(e deploy.Event) string {
	switch e.Kind {
	case deploy.KindRolloutStarted:
		l.start, l.command, l.version, l.total = e.Time, e.Command, e.To, e.Hosts
		return "▶ " + strings.TrimSpace(e.Message)
	case deploy.KindPlan:
		l.total, l.waves = e.Hosts, e.Waves
		return "  " + e.Message
	case deploy.KindWaveStarted:
		l.wave = max(l.wave, e.Wave)
		return fmt.Sprintf("▶ %s: %s", waveLabel(e), e.Message)
	case deploy.KindHostStep:
		l.set(e.Host, stepText(e))
	case deploy.KindUploadProgress:
		l.set(e.Host, "uploading  "+uploadText(e))
	case deploy.KindHostState:
		return l.state(e)
	case deploy.KindHostSucceeded:
		l.done++
		l.unset(e.Host)
		return fmt.Sprintf("✓ %-12s %s → %s in %s", e.Host, orNone(e.From), orNone(e.To), millis(e.DurationMS))
	case deploy.KindHostFailed:
		l.fail++
		l.unset(e.Host)
		return fmt.Sprintf("✗ %-12s %s → %s failed: %s", e.Host, orNone(e.From), orNone(e.To), firstLine(e.Error))
	case deploy.KindStaged:
		l.order, l.flight = nil, map[string]string{}
		return "  " + e.Message
	case deploy.KindHostDone:
		l.summary = append(l.summary, e)
	case deploy.KindRolloutDone:
		return l.doneLine(e)
	default:
		return strings.TrimPrefix(renderText(e), e.Time.Format("15:04:05")+" ")
	}
	return ""
}

// state keeps the transitions a person needs to see: rollback moves and
// hosts left half way. Starting and finishing show in the block and in
// host_succeeded / host_failed.
func (l *liveRenderer) state(e deploy.Event) string {
	switch e.State {
	case "active":
		l.set(e.Host, "starting")
	case "rolled-back":
		l.unset(e.Host)
		return fmt.Sprintf("↺ %-12s rolled back", e.Host)
	case "rollback-failed":
		l.unset(e.Host)
		return fmt.Sprintf("✗ %-12s rollback failed: %s", e.Host, firstLine(e.Error))
	case "prepared", "switched", "not-started", "skipped":
		l.unset(e.Host)
	}
	return ""
}

func (l *liveRenderer) doneLine(e deploy.Event) string {
	mark := "✓"
	if e.ExitCode != nil && *e.ExitCode != 0 { // any other code: not a success
		mark = "✗"
	}
	s := fmt.Sprintf("%s %s %s", mark, orWord(e.Command, "run"), e.State)
	if e.DurationMS > 0 {
		s += " in " + millis(e.DurationMS)
	}
	return s
}

func (l *liveRenderer) set(host, what string) {
	if _, ok := l.flight[host]; !ok {
		l.order = append(l.order, host)
	}
	l.flight[host] = what
}

func (l *liveRenderer) unset(host string) {
	delete(l.flight, host)
	l.order = slices.DeleteFunc(l.order, func(h string) bool { return h == host })
}

// erase removes the block: up to its first line, then clear to the end of
// the screen.
func (l *liveRenderer) erase() {
	if l.drawn > 0 {
		fmt.Fprintf(l.w, "\r\x1b[%dA\x1b[J", l.drawn)
		l.drawn = 0
	}
}

// draw writes the block below the kept lines.
func (l *liveRenderer) draw() {
	l.last = l.now()
	if l.start.IsZero() && len(l.order) == 0 {
		return
	}
	lines := []string{l.header()}
	for _, h := range l.order {
		lines = append(lines, fmt.Sprintf("  %-12s %s", h, l.flight[h]))
	}
	for _, s := range lines {
		fmt.Fprintln(l.w, l.fit(s))
	}
	l.drawn = len(lines)
}

func (l *liveRenderer) header() string {
	var b strings.Builder
	if l.waves > 0 && l.wave > 0 {
		fmt.Fprintf(&b, "wave %d/%d · ", l.wave, l.waves)
	}
	fmt.Fprintf(&b, "%d/%d done", l.done, l.total)
	if l.fail > 0 {
		fmt.Fprintf(&b, ", %d failed", l.fail)
	}
	fmt.Fprintf(&b, ", %d in flight", len(l.order))
	if !l.start.IsZero() {
		fmt.Fprintf(&b, " · %s", l.now().Sub(l.start).Round(time.Second))
	}
	return b.String()
}

// fit cuts a line to the terminal's width: a wrapped line would throw the
// count of lines to erase off.
func (l *liveRenderer) fit(s string) string {
	return clip(s, max(l.width-1, 10))
}

func (l *liveRenderer) close() {
	l.erase()
	l.order, l.flight = nil, map[string]string{}
}

// stepTexts names a host step in the live view.
var stepTexts = map[string]string{
	"upload": "uploading", "stage": "staging", "drain": "draining", "switch": "switching",
	"restart": "restarting", "register": "registering", "gate": "gating", "enable": "enabling", "stop": "stopping",
}

func stepText(e deploy.Event) string {
	name := orWord(stepTexts[e.Step], e.Step)
	msg := e.Message
	if e.Step == "switch" {
		msg = strings.TrimSpace(msg + " " + orNone(e.From) + " → " + e.To)
	}
	if e.Step == "upload" && e.Total > 0 {
		msg = byteSize(e.Total)
	}
	return strings.TrimSpace(fmt.Sprintf("%-11s %s", name, msg))
}

func waveLabel(e deploy.Event) string {
	s := fmt.Sprintf("wave %d", e.Wave)
	if e.Waves > 0 {
		s = fmt.Sprintf("wave %d/%d", e.Wave, e.Waves)
	}
	if e.Step != "" && e.Step != "activate" {
		s += " (" + e.Step + ")"
	}
	return s
}

func orWord(v, word string) string {
	if v == "" {
		return word
	}
	return v
}
