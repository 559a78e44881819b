package agenttest

import (
	"context"
	"time"

	"github.com/fleetdeploy/fleet/agent"
)

var _ agent.LogReader = (*Journal)(nil)

// followPoll is how often a following Logs looks for lines Log added.
const followPoll = 5 * time.Millisecond

// Logs implements agent.LogReader over the lines Log added: the query's
// units' lines, unit by unit, each stamped with its position in its unit
// (line i at Unix second i, UTC) at priority 6 (info), the last q.Lines
// of them when set; with Follow, then every line added until ctx ends.
func (j *Journal) Logs(ctx context.Context, q agent.LogQuery, emit func(agent.LogEntry) error) error {
	seen := make(map[string]int, len(q.Units))
	backlog := j.newEntries(q, seen)
	if q.Lines > 0 && len(backlog) > q.Lines {
		backlog = backlog[len(backlog)-q.Lines:]
	}
	for _, e := range backlog {
		if err := emit(e); err != nil {
			return err
		}
	}
	if !q.Follow {
		return nil
	}
	tick := time.NewTicker(followPoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		for _, e := range j.newEntries(q, seen) {
			if err := emit(e); err != nil {
				return err
			}
		}
	}
}

// newEntries are the lines of q's units after those seen counts, which it
// advances.
func (j *Journal) newEntries(q agent.LogQuery, seen map[string]int) []agent.LogEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []agent.LogEntry
	for _, u := range q.Units {
		lines := j.lines[u]
		for i := seen[u]; i < len(lines); i++ {
			e := agent.LogEntry{Time: time.Unix(int64(i), 0).UTC(), Unit: u, Priority: 6, Message: lines[i]}
			if !e.Time.Before(q.Since) {
				out = append(out, e)
			}
		}
		seen[u] = len(lines)
	}
	return out
}
