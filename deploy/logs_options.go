package deploy

import (
	"fmt"
	"time"

	"github.com/fleetdeploy/fleet/agent"
)

// Lines of each host when --lines is not given: as kamal app logs, 100,
// or 10 when following; every line since --since when that is given.
const (
	logsDefaultLines       = 100
	logsDefaultFollowLines = 10
)

// LogsFlags are fleet logs' flags as given.
type LogsFlags struct {
	Since    string // --since: a duration back from now, or a time
	Lines    int    // --lines/-n
	LinesSet bool   // --lines was given
	Follow   bool   // --follow/-f
}

// sinceLayouts are the times --since takes besides RFC 3339, in the
// controller's local zone.
var sinceLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

// Options checks the flags and resolves --since against now (the
// controller's clock: the hosts receive an absolute time).
func (f LogsFlags) Options(now time.Time) (LogsOptions, error) {
	o := LogsOptions{Lines: f.Lines, Follow: f.Follow}
	if f.LinesSet && (f.Lines < 1 || f.Lines > agent.LogsMaxLines) {
		return o, fmt.Errorf("--lines %d: want 1 to %d (every line since a time: --since without --lines)", f.Lines, agent.LogsMaxLines)
	}
	if f.Since != "" {
		t, err := parseSince(f.Since, now)
		if err != nil {
			return o, err
		}
		o.Since = t
	}
	switch {
	case f.LinesSet:
	case f.Since != "":
		o.Lines = 0
	case f.Follow:
		o.Lines = logsDefaultFollowLines
	default:
		o.Lines = logsDefaultLines
	}
	return o, nil
}

func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, l := range sinceLayouts {
		if t, err := time.ParseInLocation(l, s, now.Location()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--since %q: want a duration back from now (10m, 1h30m; 0s: only new lines) or a time (2026-12-06T10:00:00Z, 2026-12-06 10:00)", s)
}
