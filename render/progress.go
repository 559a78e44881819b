package render

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/fleetdeploy/fleet/deploy"
)

// Output formats (fleet's --output).
const (
	Text  = "text"  // live on a terminal, else plain
	Plain = "plain" // timestamped lines, even on a terminal
	JSON  = "json"  // one deploy.Event per line, as docs/events.md says
)

// ErrFormat is NewProgress's answer to a format other than Text, Plain
// and JSON; the error wrapping it names the format.
var ErrFormat = errors.New("want text, plain or json")

// renderer turns events into output. Progress calls it under its lock.
type renderer interface {
	render(e deploy.Event)
	close() // the command is over: leave the screen clean
}

// Progress writes a run's events to one writer (stdout); safe for
// concurrent use. Its Emit method is a deploy.Sink.
type Progress struct {
	mu   sync.Mutex
	r    renderer
	w    io.Writer
	json bool
	live bool
	now  func() time.Time
}

// NewProgress renders to w in format (Text, Plain or JSON; "" is Text).
// Text is live only when w is a terminal that can move the cursor.
func NewProgress(w io.Writer, format string) (*Progress, error) {
	p := &Progress{w: w, now: time.Now}
	switch format {
	case "", Text:
		if width, ok := terminal(w); ok && !dumbTerminal() {
			p.live = true
			p.r = newLiveRenderer(w, width, p.now)
			return p, nil
		}
		p.r = newPlainRenderer(w)
	case Plain:
		p.r = newPlainRenderer(w)
	case JSON:
		p.json = true
		p.r = jsonRenderer{w: w}
	default:
		return nil, fmt.Errorf("format %q: %w", format, ErrFormat)
	}
	return p, nil
}

// Emit renders one event: it is deploy's Sink (deploy.Options.Events) and
// takes a front end's own events (rollout_done, the plan's) too. It
// stamps the schema and, when e has none, the time.
func (p *Progress) Emit(e deploy.Event) {
	e.Schema = deploy.Schema
	p.mu.Lock()
	defer p.mu.Unlock()
	// Stamped under the lock, so the lines are in time order.
	if e.Time.IsZero() {
		e.Time = p.now()
	}
	p.r.render(e)
}

// JSON reports whether the output is JSON lines: a front end then writes
// its tables as JSON too.
func (p *Progress) JSON() bool { return p.json }

// Now is the clock the events are stamped with (deploy.Options.Now).
func (p *Progress) Now() time.Time { return p.now() }

// UploadEvery is how often an upload should report its progress
// (deploy.Options.UploadProgressEvery): often enough for a live view to
// move, once a second for lines and JSON.
func (p *Progress) UploadEvery() time.Duration {
	if p.live {
		return 200 * time.Millisecond
	}
	return time.Second
}

// Close ends the output: a live view erases its in-flight lines.
func (p *Progress) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.r.close()
}

// Print runs fn on the output with nothing else drawing meanwhile
// (tables, questions). A live view erases its in-flight lines first and
// draws them again after.
func (p *Progress) Print(fn func(w io.Writer)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l, ok := p.r.(*liveRenderer); ok {
		l.erase()
		defer l.draw()
	}
	fn(p.w)
}

// Beside returns w for output that shares the terminal with a live view
// (logs on stderr): each write first erases the in-flight lines, which are
// then drawn again below it. Without a live view it is w itself.
func (p *Progress) Beside(w io.Writer) io.Writer {
	if !p.live {
		return w
	}
	return besideWriter{p: p, w: w}
}

type besideWriter struct {
	p *Progress
	w io.Writer
}

func (b besideWriter) Write(data []byte) (n int, err error) {
	b.p.Print(func(io.Writer) { n, err = b.w.Write(data) })
	return n, err
}
