package agent

import (
	"context"
	"time"
)

// LogsArgs asks for the app units' system journal (fleet logs), not the
// host's deploy journal (the journal op). Since zero: no lower bound;
// Lines 0: no count (with Follow and no Since, journalctl's own 10).
type LogsArgs struct {
	Since  time.Time `json:"since,omitzero"`
	Lines  int       `json:"lines,omitempty"`
	Follow bool      `json:"follow,omitempty"`
}

// LogsResult ends a logs op that did not follow: how many entries went
// out as events before it.
type LogsResult struct {
	Entries int `json:"entries"`
}

// LogEntry is one entry of a unit's journal, as a log event carries it.
type LogEntry struct {
	Time     time.Time `json:"time"`
	Unit     string    `json:"unit"`
	Priority int       `json:"priority"` // syslog: 0 emerg … 3 err … 6 info, 7 debug
	PID      int       `json:"pid,omitempty"`
	Message  string    `json:"message"`
}

// LogQuery is what a LogReader reads: these units' entries since Since
// (zero: any), the last Lines of them (0: all), then, with Follow, every
// new one.
type LogQuery struct {
	Units  []string
	Since  time.Time
	Lines  int
	Follow bool
}

// LogReader reads units' system journal. Journalctl implements it;
// agenttest.Journal is the fake.
type LogReader interface {
	// Logs passes the query's entries, oldest first, to emit; with
	// Follow it then waits for new ones until ctx ends. An error from
	// emit stops it and is returned.
	Logs(ctx context.Context, q LogQuery, emit func(LogEntry) error) error
}

// LogsMaxLines bounds --lines: a backlog is sent line by line, and a
// bigger one is what --since is for.
const LogsMaxLines = 100_000

// logsOp streams the units' journal as log events. It needs no lock and
// changes nothing, so it runs beside a rollout. With Follow it only ends
// with the session (controller gone: no answer is written).
func (s *session) logsOp(ctx context.Context, a LogsArgs) (LogsResult, error) {
	if a.Lines < 0 || a.Lines > LogsMaxLines {
		return LogsResult{}, errorf(CodeBadRequest, "logs: lines %d: want 0..%d", a.Lines, LogsMaxLines)
	}
	if s.deps.Logs == nil {
		return LogsResult{}, errorf(CodeInternal, "logs: this agent has no journal reader")
	}
	q := LogQuery{Units: s.logUnits(), Since: a.Since, Lines: a.Lines, Follow: a.Follow}
	n := 0
	err := s.deps.Logs.Logs(ctx, q, func(e LogEntry) error {
		n++
		return s.emit(Event{Kind: EventLog, Log: &e})
	})
	if err != nil {
		if ctx.Err() != nil {
			return LogsResult{}, ctx.Err()
		}
		return LogsResult{}, errorf(CodeIO, "logs: %w", err)
	}
	return LogsResult{Entries: n}, nil
}

// logUnits are the app's units and, with slots, every slot's instance
// unit: what the host may run of the app, whichever instance serves.
func (s *session) logUnits() []string {
	units := append([]string(nil), s.spec.Units...)
	if sl := s.spec.Slots; sl != nil {
		for _, in := range sl.Instances {
			units = append(units, sl.UnitOf(in.Name))
		}
	}
	seen := map[string]bool{}
	out := units[:0]
	for _, u := range units {
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}
