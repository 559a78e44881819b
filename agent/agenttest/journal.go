package agenttest

import (
	"context"
	"sync"

	"github.com/fleetdeploy/fleet/agent"
)

var _ agent.JournalReader = (*Journal)(nil)

// Journal is an in-memory journal per unit.
type Journal struct {
	TailFn func(ctx context.Context, unit string, n int) ([]string, error)

	mu    sync.Mutex
	lines map[string][]string
}

// NewJournal returns an empty journal.
func NewJournal() *Journal {
	return &Journal{lines: map[string][]string{}}
}

// Log appends lines to unit's journal.
func (j *Journal) Log(unit string, lines ...string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.lines[unit] = append(j.lines[unit], lines...)
}

// Tail implements agent.JournalReader.
func (j *Journal) Tail(ctx context.Context, unit string, n int) ([]string, error) {
	if j.TailFn != nil {
		return j.TailFn(ctx, unit, n)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	l := j.lines[unit]
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return append([]string(nil), l...), nil
}
