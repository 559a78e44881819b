package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/render"
)

// event is one line of progress (docs/events.md); render draws it.
type event = deploy.Event

// output is where a command writes: its progress (render.Progress: live,
// plain or JSON) and, for the tables of status, history and the others,
// whether they are JSON too (--output json).
type output struct {
	*render.Progress
	json bool
}

// newProgress is render's progress for --output format.
func newProgress(w io.Writer, format string) (*output, error) {
	p, err := render.NewProgress(w, format)
	if errors.Is(err, render.ErrFormat) { // named as the flag it came from
		return nil, fmt.Errorf("--output %q: %w", format, render.ErrFormat)
	}
	if err != nil {
		return nil, err
	}
	return &output{Progress: p, json: p.JSON()}, nil
}

// write runs fn on the output with nothing else drawing (a table, a
// question).
func (o *output) write(fn func(w io.Writer)) { o.Print(fn) }
