package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/fleetdeploy/fleet/deploy"
)

// event is one line of user-facing progress (deploy.Event, documented in
// docs/events.md): rendered live on a terminal, as plain timestamped
// lines elsewhere, or as one JSON object per line (--output json). Logs
// are separate and go to stderr.
type event = deploy.Event

// Output formats (--output).
const (
	formatText  = "text"  // live on a terminal, else plain
	formatPlain = "plain" // timestamped lines, even on a terminal
	formatJSON  = "json"
)

// renderer turns events into output. progress calls it under its lock.
type renderer interface {
	render(e event)
	close() // the command is over: leave the screen clean
}

// progress writes events to stdout; safe for concurrent use.
type progress struct {
	mu   sync.Mutex
	r    renderer
	w    io.Writer
	json bool
	live bool
	now  func() time.Time
}

func newProgress(w io.Writer, format string) (*progress, error) {
	p := &progress{w: w, now: time.Now}
	switch format {
	case "", formatText:
		if width, ok := terminal(w); ok && !dumbTerminal() {
			p.live = true
			p.r = newLiveRenderer(w, width, p.now)
			return p, nil
		}
		p.r = newPlainRenderer(w)
	case formatPlain:
		p.r = newPlainRenderer(w)
	case formatJSON:
		p.json = true
		p.r = jsonRenderer{w: w}
	default:
		return nil, fmt.Errorf("--output %q: want text, plain or json", format)
	}
	return p, nil
}

// emit renders one event: it is deploy's Sink (deploy.Options.Events) and
// takes the command's own rollout_done and plan events too. It stamps the
// schema and the time.
func (p *progress) emit(e event) {
	e.Schema = deploy.Schema
	p.mu.Lock()
	defer p.mu.Unlock()
	// Stamped under the lock, so the lines are in time order.
	if e.Time.IsZero() {
		e.Time = p.now()
	}
	p.r.render(e)
}

// uploadEvery is how often an upload reports its progress: often enough
// for a live view to move, once a second for lines and JSON.
func (p *progress) uploadEvery() time.Duration {
	if p.live {
		return 200 * time.Millisecond
	}
	return time.Second
}

// close ends the output: a live view erases its in-flight lines.
func (p *progress) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.r.close()
}

// write runs fn on the output with nothing else drawing meanwhile (tables,
// questions). A live view erases its in-flight lines first.
func (p *progress) write(fn func(w io.Writer)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l, ok := p.r.(*liveRenderer); ok {
		l.erase()
		defer l.draw()
	}
	fn(p.w)
}

// beside returns w for output that shares the terminal with a live view
// (logs on stderr): each write first erases the in-flight lines, which are
// then drawn again below it. Without a live view it is w itself.
func (p *progress) beside(w io.Writer) io.Writer {
	if !p.live {
		return w
	}
	return besideWriter{p: p, w: w}
}

type besideWriter struct {
	p *progress
	w io.Writer
}

func (b besideWriter) Write(data []byte) (n int, err error) {
	b.p.write(func(io.Writer) { n, err = b.w.Write(data) })
	return n, err
}

type jsonRenderer struct{ w io.Writer }

func (j jsonRenderer) render(e event) {
	b, err := json.Marshal(e)
	if err != nil {
		b, _ = json.Marshal(event{Schema: e.Schema, Time: e.Time, Kind: e.Kind, Error: "encode event: " + err.Error()})
	}
	fmt.Fprintf(j.w, "%s\n", b)
}

func (jsonRenderer) close() {}

func orNone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}
