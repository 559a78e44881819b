package transport

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
)

// stderrTailSize bounds how much stderr an ExitError keeps: enough for the
// last few lines of a failing command, small enough to log.
const stderrTailSize = 4 << 10

// ExitError reports a remote command that exited with a non-zero status.
type ExitError struct {
	// Code is the exit status; 128+n when the command died of signal n.
	Code int
	// Stderr holds the last 4 KiB of the command's stderr (empty for
	// Process, whose caller reads stderr itself).
	Stderr string
}

func (e *ExitError) Error() string {
	last := lastLine(e.Stderr)
	if last == "" {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return fmt.Sprintf("exit status %d: %s", e.Code, last)
}

// lastLine returns the last non-blank line of s, which is usually the one
// that says why a command failed.
func lastLine(s string) string {
	s = strings.TrimRight(s, " \t\r\n")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

// tailBuffer keeps the last max bytes written to it. The session's stderr
// copier writes while Run may read after a cancel, hence the mutex.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if len(p) >= t.max {
		t.buf = append(t.buf[:0], p[len(p)-t.max:]...)
		return n, nil
	}
	if over := len(t.buf) + len(p) - t.max; over > 0 {
		t.buf = t.buf[:copy(t.buf, t.buf[over:])]
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.Clone(t.buf))
}
