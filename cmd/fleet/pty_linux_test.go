package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// pty is a pseudo-terminal for tests: the command gets tty (its stdin,
// stdout and stderr), the test reads what it draws from the master side.
// It is opened with /dev/ptmx directly (what github.com/creack/pty does),
// so the module needs no new dependency.
type pty struct {
	master, tty *os.File

	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func openPTY(t *testing.T, cols int) *pty {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: uint16(cols)}); err != nil {
		t.Fatalf("pty size: %v", err)
	}
	p := &pty{master: m, tty: s, done: make(chan struct{})}
	go p.read()
	t.Cleanup(func() { p.closeTTY(); _ = m.Close() })
	return p
}

func (p *pty) read() {
	defer close(p.done)
	buf := make([]byte, 4096)
	for {
		n, err := p.master.Read(buf)
		p.mu.Lock()
		p.out.Write(buf[:n])
		p.mu.Unlock()
		if err != nil { // EIO once the last holder of the tty closed it
			return
		}
	}
}

// closeTTY closes the test's end of the tty; the output ends once every
// process holding it has closed it too.
func (p *pty) closeTTY() { _ = p.tty.Close() }

// output waits for the reader to see the end, then returns everything.
func (p *pty) output(t *testing.T) string {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the pty never closed")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitFor waits until the output contains s.
func (p *pty) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		ok := strings.Contains(p.out.String(), s)
		p.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	t.Fatalf("the terminal never showed %q:\n%s", s, p.out.String())
}

func (p *pty) type_(t *testing.T, s string) {
	t.Helper()
	if _, err := io.WriteString(p.master, s); err != nil {
		t.Fatal(err)
	}
}

var csi = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)

// screenLines is the output without cursor movement, one entry per line.
func screenLines(out string) []string {
	out = csi.ReplaceAllString(out, "")
	out = strings.ReplaceAll(out, "\r\n", "\n")
	var lines []string
	for l := range strings.SplitSeq(out, "\n") {
		if i := strings.LastIndexByte(l, '\r'); i >= 0 {
			l = l[i+1:]
		}
		lines = append(lines, l)
	}
	return lines
}
