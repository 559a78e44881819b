package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

var _ LogReader = Journalctl{}

// Logs runs `journalctl -o json` over the query's units (an argv, never a
// shell) and passes each entry to emit as journalctl prints it; with
// Follow, journalctl -f runs until ctx ends, which kills it.
func (j Journalctl) Logs(ctx context.Context, q LogQuery, emit func(LogEntry) error) error {
	argv, err := journalctlLogsArgs(q)
	if err != nil {
		return err
	}
	path := j.Path
	if path == "" {
		path = "journalctl"
	}
	run, stop := context.WithCancel(ctx)
	defer stop()
	cmd := exec.CommandContext(run, path, argv...)
	cmd.WaitDelay = time.Second // a child holding stdout open must not hold up the end
	stderr := &tailWriter{max: 4 << 10}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("journalctl: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("journalctl: %w", err)
	}
	emitErr := readJournalJSON(out, q.Units, emit)
	if emitErr != nil {
		stop() // nobody reads journalctl any more: it must not linger
	}
	werr := cmd.Wait()
	switch {
	case emitErr != nil:
		return emitErr
	case ctx.Err() != nil:
		return ctx.Err()
	case werr != nil:
		return fmt.Errorf("journalctl: %w: %s", werr, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// journalctlLogsArgs is the argv after "journalctl". Values go after "="
// in the same word, so none can be read as another option.
func journalctlLogsArgs(q LogQuery) ([]string, error) {
	if len(q.Units) == 0 {
		return nil, errors.New("journalctl: no unit")
	}
	args := []string{"--no-pager", "--output=json"}
	if !q.Since.IsZero() {
		args = append(args, "--since=@"+strconv.FormatInt(q.Since.Unix(), 10))
	}
	if q.Lines > 0 {
		args = append(args, "--lines="+strconv.Itoa(q.Lines))
	}
	if q.Follow {
		args = append(args, "--follow")
	}
	for _, u := range q.Units {
		if err := ValidateUnitName(u); err != nil {
			return nil, fmt.Errorf("journalctl: %w", err)
		}
		args = append(args, "--unit="+u)
	}
	return args, nil
}

// readJournalJSON passes each entry of journalctl's JSON lines to emit.
// A line that does not parse (journalctl's "-- No entries --") or is too
// long is skipped.
func readJournalJSON(r io.Reader, units []string, emit func(LogEntry) error) error {
	lr := newLineReader(r, MaxRequestLine)
	for {
		line, err := lr.next()
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.Is(err, errLineTooLong):
			continue
		case err != nil:
			return fmt.Errorf("journalctl: read: %w", err)
		}
		e, ok := parseJournalEntry(line, units)
		if !ok {
			continue
		}
		if err := emit(e); err != nil {
			return err
		}
	}
}

// parseJournalEntry reads one `journalctl -o json` object. The unit is
// the process's (_SYSTEMD_UNIT) unless it is not one of ours and UNIT is:
// systemd's own lines about a unit ("Started hello.service") come from
// init.scope and name the unit in UNIT.
func parseJournalEntry(line []byte, units []string) (LogEntry, bool) {
	var raw map[string]json.RawMessage
	if json.Unmarshal(line, &raw) != nil {
		return LogEntry{}, false
	}
	usec, err := strconv.ParseInt(journalField(raw, "__REALTIME_TIMESTAMP"), 10, 64)
	if err != nil {
		return LogEntry{}, false
	}
	e := LogEntry{Time: time.UnixMicro(usec).UTC(), Message: journalField(raw, "MESSAGE"), Priority: 6}
	if p, err := strconv.Atoi(journalField(raw, "PRIORITY")); err == nil && p >= 0 && p <= 7 {
		e.Priority = p
	}
	e.PID, _ = strconv.Atoi(journalField(raw, "_PID"))
	e.Unit = journalField(raw, "_SYSTEMD_UNIT")
	if u := journalField(raw, "UNIT"); !slices.Contains(units, e.Unit) && slices.Contains(units, u) {
		e.Unit = u
	}
	return e, true
}

// journalField is a field of journalctl's JSON as text: a string as is, a
// byte array (journalctl's form of a value that is not valid UTF-8) as
// those bytes, a field given several times as its first value.
func journalField(raw map[string]json.RawMessage, key string) string {
	v, ok := raw[key]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var bytes []int
	if json.Unmarshal(v, &bytes) == nil {
		b := make([]byte, len(bytes))
		for i, x := range bytes {
			b[i] = byte(x)
		}
		return string(b)
	}
	var many []json.RawMessage
	if json.Unmarshal(v, &many) == nil && len(many) > 0 {
		return journalField(map[string]json.RawMessage{key: many[0]}, key)
	}
	return ""
}

// tailWriter keeps the last max bytes written: journalctl's complaint for
// an error message, however much it printed.
type tailWriter struct {
	max int
	b   []byte
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	if len(w.b) > w.max {
		w.b = w.b[len(w.b)-w.max:]
	}
	return len(p), nil
}

func (w *tailWriter) String() string { return string(w.b) }
