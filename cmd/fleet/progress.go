package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"
)

// progressSchema versions the JSON event lines (docs/events.md); bump it
// on an incompatible change. Adding kinds or fields is not one.
const progressSchema = 1

// event is one line of user-facing progress: rendered live on a terminal,
// as plain timestamped lines elsewhere, or as one JSON object per line
// (--output json). docs/events.md documents every kind and field. Logs
// are separate and go to stderr.
type event struct {
	Schema     int            `json:"schema"`
	Time       time.Time      `json:"time"`
	Kind       string         `json:"kind"`
	RolloutID  string         `json:"rollout_id,omitempty"`
	Command    string         `json:"command,omitempty"`
	Host       string         `json:"host,omitempty"`
	Wave       int            `json:"wave,omitempty"`
	Waves      int            `json:"waves,omitempty"`
	Hosts      int            `json:"hosts,omitempty"`
	Step       string         `json:"step,omitempty"`
	Slot       string         `json:"slot,omitempty"`
	Mode       string         `json:"mode,omitempty"` // in-place or surge
	From       string         `json:"from,omitempty"`
	To         string         `json:"to,omitempty"`
	State      string         `json:"state,omitempty"`
	Result     string         `json:"result,omitempty"`
	Bytes      int64          `json:"bytes,omitempty"`
	Total      int64          `json:"total,omitempty"`
	Rate       int64          `json:"rate,omitempty"` // bytes per second
	Passing    *bool          `json:"passing,omitempty"`
	LeftMS     int64          `json:"left_ms,omitempty"`
	DurationMS int64          `json:"duration_ms,omitempty"`
	DrainMS    *int64         `json:"drain_ms,omitempty"` // present even when 0 (drain: 0s)
	ExitCode   *int           `json:"exit_code,omitempty"`
	Counts     map[string]int `json:"counts,omitempty"`
	Message    string         `json:"message,omitempty"`
	Error      string         `json:"error,omitempty"`
}

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
	mu        sync.Mutex
	r         renderer
	w         io.Writer
	json      bool
	live      bool
	now       func() time.Time
	rolloutID string
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

func (p *progress) emit(e event) {
	e.Schema = progressSchema
	p.mu.Lock()
	defer p.mu.Unlock()
	// Stamped under the lock, so the lines are in time order.
	if e.Time.IsZero() {
		e.Time = p.now()
	}
	if e.RolloutID == "" {
		e.RolloutID = p.rolloutID
	}
	p.r.render(e)
}

// setRolloutID stamps every later event with the run's id.
func (p *progress) setRolloutID(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rolloutID = id
}

// emitGate reports a health round. JSON gets every round, the live view
// redraws, plain text gets a line when the verdict flips or every
// gateQuiet, so a log stays readable.
func (p *progress) emitGate(e event, passing bool) {
	e.Passing = &passing
	p.emit(e)
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
