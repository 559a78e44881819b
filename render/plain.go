package render

import (
	"fmt"
	"github.com/fleetdeploy/fleet/changelog"
	"io"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/deploy"
)

// Plain text repeats an unchanged health gate, and upload progress, only
// this often, so a CI log stays readable.
const (
	gateQuiet   = 2 * time.Second
	uploadQuiet = 10 * time.Second
)

// plainRenderer writes one timestamped line per event: no cursor
// movement, for logs and pipes. The end of a run is a table.
type plainRenderer struct {
	w       io.Writer
	quiet   map[string]quietSeen // host+kind → last line written
	summary []deploy.Event       // host_done events, for the final table
}

type quietSeen struct {
	passing bool
	at      time.Time
}

func newPlainRenderer(w io.Writer) *plainRenderer {
	return &plainRenderer{w: w, quiet: map[string]quietSeen{}}
}

func (p *plainRenderer) render(e deploy.Event) {
	if e.Kind == deploy.KindHostDone {
		p.summary = append(p.summary, e)
		return
	}
	if p.quieten(e) {
		return
	}
	fmt.Fprintln(p.w, renderText(e))
	if e.Kind == deploy.KindRolloutDone && len(p.summary) > 0 {
		writeSummaryTable(p.w, p.summary)
		p.summary = nil
	}
}

// quieten drops lines a log does not need: gate rounds and upload
// progress that say nothing new, and host states that host_succeeded
// and host_failed say better (with the versions and the time taken).
func (p *plainRenderer) quieten(e deploy.Event) bool {
	switch {
	case e.Kind == deploy.KindHostStep && e.Step == "gate" && e.Passing != nil:
		return p.hush(e.Host+" gate", *e.Passing, e.Time, gateQuiet)
	case e.Kind == deploy.KindUploadProgress:
		return p.hush(e.Host+" upload", true, e.Time, uploadQuiet)
	case e.Kind == deploy.KindHostState:
		return e.State == "done" || e.State == "failed" || e.State == "rollback-failed"
	}
	return false
}

// hush reports whether a line like the last one of its key was written
// less than quiet ago, with the same verdict.
func (p *plainRenderer) hush(key string, passing bool, now time.Time, quiet time.Duration) bool {
	last, seen := p.quiet[key]
	if seen && last.passing == passing && now.Sub(last.at) < quiet {
		return true
	}
	p.quiet[key] = quietSeen{passing: passing, at: now}
	return false
}

func (p *plainRenderer) close() {}

func renderText(e deploy.Event) string {
	var b strings.Builder
	b.WriteString(e.Time.Format("15:04:05"))
	if e.Host != "" {
		fmt.Fprintf(&b, " %-12s", e.Host)
	}
	switch {
	case e.Kind == deploy.KindWaveStarted:
		b.WriteString(" " + waveLabel(e) + ":")
	case e.Step != "":
		fmt.Fprintf(&b, " %-9s", e.Step)
	case e.Kind != deploy.KindHostState:
		fmt.Fprintf(&b, " %-9s", e.Kind)
	}
	if e.Kind == deploy.KindChangelog {
		return b.String() + changelogText(e)
	}
	if e.Mode != "" {
		fmt.Fprintf(&b, " [%s]", e.Mode)
	}
	if e.State != "" {
		fmt.Fprintf(&b, " %s", e.State)
	}
	b.WriteString(versionsText(e))
	b.WriteString(detailText(e))
	return b.String()
}

// versionsText is " v1 → v2", or " v2" for a run's own events.
func versionsText(e deploy.Event) string {
	switch {
	case e.Host == "" && e.From == "" && e.To != "":
		return " " + e.To
	case e.From != "" || e.To != "":
		return fmt.Sprintf(" %s → %s", orNone(e.From), orNone(e.To))
	}
	return ""
}

// detailText is the rest of a line: upload progress, message, time
// taken, error (only its first line on rollout_done: stderr has it all).
func detailText(e deploy.Event) string {
	var b strings.Builder
	if e.Kind == deploy.KindUploadProgress {
		b.WriteString(" " + uploadText(e))
	}
	if e.Message != "" {
		b.WriteString(" " + e.Message)
	}
	if e.DurationMS > 0 && e.Kind != deploy.KindRolloutDone {
		b.WriteString(" in " + millis(e.DurationMS))
	}
	switch {
	case e.Error != "" && e.Kind == deploy.KindRolloutDone:
		b.WriteString(": " + firstLine(e.Error))
	case e.Error != "":
		b.WriteString(": " + e.Error)
	}
	return b.String()
}

// uploadText is "5.0 MiB/20.0 MiB, 12.3 MiB/s".
func uploadText(e deploy.Event) string {
	s := byteSize(e.Bytes)
	if e.Total > 0 {
		s += "/" + byteSize(e.Total)
	}
	if e.Rate > 0 {
		s += ", " + byteSize(e.Rate) + "/s"
	}
	return s
}

// byteSize is deploy's, so that the plan's sentence and the tables agree.
var byteSize = deploy.ByteSize

func millis(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	if d >= time.Minute {
		return d.Round(time.Second).String()
	}
	return d.Round(10 * time.Millisecond).String()
}

// changelogText is a changelog event's header (its message, which names
// the revisions) and one indented line per commit.
func changelogText(e deploy.Event) string {
	var b strings.Builder
	b.WriteString(" " + e.Message)
	for _, c := range e.Commits {
		l := changelog.Log{Commits: []changelog.Commit{{Hash: c.Hash, Author: c.Author, Subject: c.Subject}}}
		lines := l.Lines()
		b.WriteString("\n" + lines[len(lines)-1])
	}
	if more := e.Total - int64(len(e.Commits)); more > 0 && e.State != "" {
		fmt.Fprintf(&b, "\n  … and %d more", more)
	}
	return b.String()
}
