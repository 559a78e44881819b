package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/inventory"
)

// logRecord is one line of fleet logs -o json (README, "Logs").
type logRecord struct {
	Host     string    `json:"host"`
	Unit     string    `json:"unit"`
	Time     time.Time `json:"time"`
	Priority int       `json:"priority"`
	PID      int       `json:"pid,omitempty"`
	Message  string    `json:"message"`
}

// logFailure is a host that gives no (more) lines, in fleet logs -o json.
type logFailure struct {
	Host  string `json:"host"`
	Error string `json:"error"`
}

// logTime is an entry's time in text: the controller's zone, to the
// millisecond.
const logTime = "2006-01-02T15:04:05.000Z07:00"

// LogLines is fleet logs' output, a deploy.LogsOptions.Line. In text,
// each entry is "host | time unit: message" on w, host names padded to
// the widest of hosts and every line of a multi-line message prefixed
// alike, and a host's failure one line on errW; in JSON, one object per
// line on w, an entry (logRecord) or a failure (logFailure).
func LogLines(w, errW io.Writer, asJSON bool, hosts []inventory.Host) func(deploy.LogLine) {
	if asJSON {
		return func(l deploy.LogLine) {
			var v any = logRecord{Host: l.Host, Unit: l.Entry.Unit, Time: l.Entry.Time, Priority: l.Entry.Priority,
				PID: l.Entry.PID, Message: l.Entry.Message}
			if l.Err != nil {
				v = logFailure{Host: l.Host, Error: l.Err.Op + ": " + l.Err.Err.Error()}
			}
			b, _ := json.Marshal(v) // strings, ints and a time: cannot fail
			fmt.Fprintf(w, "%s\n", b)
		}
	}
	width := 0
	for _, h := range hosts {
		width = max(width, len(h.Name))
	}
	return func(l deploy.LogLine) {
		if l.Err != nil {
			fmt.Fprintf(errW, "fleet logs: %s: %s: %s\n", l.Host, l.Err.Op, l.Err.Err)
			return
		}
		head := fmt.Sprintf("%-*s | %s %s: ", width, l.Host, l.Entry.Time.Local().Format(logTime), l.Entry.Unit)
		var b strings.Builder
		for _, m := range strings.Split(strings.TrimRight(l.Entry.Message, "\n"), "\n") {
			b.WriteString(head + m + "\n")
		}
		_, _ = io.WriteString(w, b.String())
	}
}
