package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// journal appends e, completed with who and when, to the host journal.
// err, if set, marks the action failed. A failure to append is logged, not
// returned: the action itself already happened, and reporting it as failed
// would make the controller act on a false outcome.
func (s *session) journal(e JournalEntry, err error) {
	e.Time = s.deps.Now().UTC()
	e.User, e.Machine = s.ctrl.User, s.ctrl.Machine
	e.Command, e.RolloutID, e.ChangeNote = s.ctrl.Command, s.ctrl.RolloutID, s.ctrl.ChangeNote
	switch {
	case err != nil:
		e.Error = s.prefix.shown(err.Error())
		if e.Result == "" {
			e.Result = resultError
		}
	case e.Result == "":
		e.Result = resultOK
	}
	if aerr := appendJournal(s.layout.journal(), e); aerr != nil {
		s.log.Error("journal append", keyOp, e.Op, keyError, aerr)
	}
}

// appendJournal writes one line with O_APPEND and fsyncs it. One write of
// one line keeps entries whole even if two agents ever appended at once.
func appendJournal(path string, e JournalEntry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("append journal: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, privFileMode)
	if err != nil {
		return fmt.Errorf("append journal: %w", err)
	}
	_, err = f.Write(append(data, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("append journal: %w", err)
	}
	return nil
}

// readJournal returns the last n entries, oldest first. Lines that do not
// parse (a write torn by a crash) are skipped.
func readJournal(ctx context.Context, path string, n int) ([]JournalEntry, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return []JournalEntry{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	defer f.Close()
	ring, count := make([]JournalEntry, n), 0 // circular: keeps the last n
	lr := newLineReader(f, MaxRequestLine)
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("read journal: %w", err)
		}
		line, err := lr.next()
		if errors.Is(err, io.EOF) {
			if count <= n {
				return ring[:count], nil
			}
			start := count % n
			return append(ring[start:], ring[:start]...), nil
		}
		if errors.Is(err, errLineTooLong) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read journal: %w", err)
		}
		var e JournalEntry
		if json.Unmarshal(line, &e) != nil {
			continue
		}
		ring[count%n] = e
		count++
	}
}

func (s *session) journalOp(ctx context.Context, a JournalArgs) (JournalResult, error) {
	n := a.Last
	switch {
	case n < 0 || n > journalMaxLast:
		return JournalResult{}, errorf(CodeBadRequest, "journal: last %d: want 0..%d", n, journalMaxLast)
	case n == 0:
		n = journalDefaultLast
	}
	entries, err := readJournal(ctx, s.layout.journal(), n)
	if err != nil {
		return JournalResult{}, ioError("journal", err)
	}
	return JournalResult{Entries: entries}, nil
}
