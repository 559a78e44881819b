package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progressSchema versions the JSON event lines; bump it on incompatible change.
const progressSchema = 1

// event is one line of user-facing progress: rendered as text for people or
// as one JSON object per line for machines (--output json). Logs are separate
// and go to stderr.
type event struct {
	Schema  int       `json:"schema"`
	Time    time.Time `json:"time"`
	Kind    string    `json:"kind"` // rollout_started, host_step, host_state, rollout_done, …
	Host    string    `json:"host,omitempty"`
	Wave    int       `json:"wave,omitempty"`
	Step    string    `json:"step,omitempty"`
	Mode    string    `json:"mode,omitempty"` // in-place or surge
	From    string    `json:"from,omitempty"`
	To      string    `json:"to,omitempty"`
	State   string    `json:"state,omitempty"`
	Bytes   int64     `json:"bytes,omitempty"`
	Message string    `json:"message,omitempty"`
	Error   string    `json:"error,omitempty"`
}

// progress writes events to stdout; safe for concurrent use.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	json  bool
	now   func() time.Time
	gates map[string]gateSeen // text mode: last gate line per host
}

type gateSeen struct {
	passing bool
	at      time.Time
}

// gateQuiet is how often an unchanged health gate is repeated in text mode.
const gateQuiet = 2 * time.Second

func newProgress(w io.Writer, format string) (*progress, error) {
	switch format {
	case "", "text":
		return &progress{w: w, now: time.Now}, nil
	case "json":
		return &progress{w: w, json: true, now: time.Now}, nil
	}
	return nil, fmt.Errorf("--output %q: want text or json", format)
}

func (p *progress) emit(e event) {
	e.Schema = progressSchema
	if e.Time.IsZero() {
		e.Time = p.now()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json {
		b, _ := json.Marshal(e)
		fmt.Fprintf(p.w, "%s\n", b)
		return
	}
	fmt.Fprintln(p.w, renderText(e))
}

func renderText(e event) string {
	var b strings.Builder
	b.WriteString(e.Time.Format("15:04:05"))
	if e.Host != "" {
		fmt.Fprintf(&b, " %-12s", e.Host)
	}
	if e.Step != "" {
		fmt.Fprintf(&b, " %-9s", e.Step)
	}
	if e.Mode != "" {
		fmt.Fprintf(&b, " [%s]", e.Mode)
	}
	if e.State != "" {
		fmt.Fprintf(&b, " %s", e.State)
	}
	if e.From != "" || e.To != "" {
		fmt.Fprintf(&b, " %s → %s", orNone(e.From), orNone(e.To))
	}
	if e.Message != "" {
		b.WriteString(" " + e.Message)
	}
	if e.Error != "" {
		b.WriteString(": " + e.Error)
	}
	return b.String()
}

// emitGate reports a health round. JSON gets every round; text gets a line
// when the verdict flips or every gateQuiet, so a terminal stays readable.
func (p *progress) emitGate(e event, passing bool) {
	if !p.json {
		now := p.now()
		p.mu.Lock()
		if p.gates == nil {
			p.gates = map[string]gateSeen{}
		}
		last, seen := p.gates[e.Host]
		quiet := seen && last.passing == passing && now.Sub(last.at) < gateQuiet
		if !quiet {
			p.gates[e.Host] = gateSeen{passing: passing, at: now}
		}
		p.mu.Unlock()
		if quiet {
			return
		}
	}
	p.emit(e)
}

// printf writes free text in text mode only (tables, summaries).
func (p *progress) printf(format string, args ...any) {
	if p.json {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format, args...)
}

func orNone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}
