package transporttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fleetdeploy/fleet/transport"
)

// ErrUnexpectedCommand is returned by Conn.Run for a command no handler
// matches.
var ErrUnexpectedCommand = errors.New("transporttest: unexpected command")

// Conn is a recording fake of transport.Conn. Commands go to the first
// handler registered with On whose matcher matches; every command and
// upload is recorded, matched or not. Safe for concurrent use.
type Conn struct {
	// Name is what String returns; "" gives "fake".
	Name string
	// UploadFn, if set, is called with each upload's content after it is
	// recorded, to inject errors.
	UploadFn func(ctx context.Context, dst string, data []byte, mode fs.FileMode) error
	// CloseFn, if set, is Close's result.
	CloseFn func() error
	// FileFn, if set, is called with each file operation (MkdirAll,
	// Rename, Remove) after it is recorded, to inject errors.
	FileFn func(ctx context.Context, op FileOp) error

	mu       sync.Mutex
	handlers []scripted
	commands []string
	uploads  []Upload
	files    []FileOp
	closed   bool
}

var _ transport.Conn = (*Conn)(nil)

type scripted struct {
	m Matcher
	h Handler
}

// Upload is one recorded upload.
type Upload struct {
	Dst  string
	Mode fs.FileMode
	Data []byte
}

// FileOp is one recorded file operation: Op is "mkdir", "rename" or
// "remove"; NewPath is set for a rename only.
type FileOp struct {
	Op      string
	Path    string
	NewPath string
}

// String is "op path", or "rename old new": one line per operation for
// tests to compare.
func (o FileOp) String() string {
	if o.NewPath != "" {
		return o.Op + " " + o.Path + " " + o.NewPath
	}
	return o.Op + " " + o.Path
}

// NewConn returns a fake named name.
func NewConn(name string) *Conn { return &Conn{Name: name} }

// On registers h for the commands m matches and returns c for chaining.
func (c *Conn) On(m Matcher, h Handler) *Conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.handlers = append(c.handlers, scripted{m, h})
	return c
}

// Run records cmd and runs the first matching handler.
func (c *Conn) Run(ctx context.Context, cmd string, stdin io.Reader, stdout, stderr io.Writer) error {
	c.mu.Lock()
	c.commands = append(c.commands, cmd)
	var h Handler
	for _, s := range c.handlers {
		if s.m.match(cmd) {
			h = s.h
			break
		}
	}
	c.mu.Unlock()
	if h == nil {
		return fmt.Errorf("run %q: %w", cmd, ErrUnexpectedCommand)
	}
	return h(ctx, cmd, stdin, stdout, stderr)
}

// Upload reads src to the end and records it.
func (c *Conn) Upload(ctx context.Context, dst string, src io.Reader, mode fs.FileMode, progress func(int64)) (int64, error) {
	data, err := io.ReadAll(src)
	if err != nil {
		return int64(len(data)), fmt.Errorf("upload %s: %w", dst, err)
	}
	c.mu.Lock()
	c.uploads = append(c.uploads, Upload{Dst: dst, Mode: mode, Data: bytes.Clone(data)})
	c.mu.Unlock()
	if progress != nil {
		progress(int64(len(data)))
	}
	if c.UploadFn != nil {
		if err := c.UploadFn(ctx, dst, data, mode); err != nil {
			return int64(len(data)), err
		}
	}
	return int64(len(data)), nil
}

// MkdirAll records a mkdir of dir.
func (c *Conn) MkdirAll(ctx context.Context, dir string) error {
	return c.file(ctx, FileOp{Op: "mkdir", Path: dir})
}

// Rename records a rename of oldpath to newpath.
func (c *Conn) Rename(ctx context.Context, oldpath, newpath string) error {
	return c.file(ctx, FileOp{Op: "rename", Path: oldpath, NewPath: newpath})
}

// Remove records a remove of path.
func (c *Conn) Remove(ctx context.Context, path string) error {
	return c.file(ctx, FileOp{Op: "remove", Path: path})
}

func (c *Conn) file(ctx context.Context, op FileOp) error {
	c.mu.Lock()
	c.files = append(c.files, op)
	c.mu.Unlock()
	if c.FileFn != nil {
		return c.FileFn(ctx, op)
	}
	return nil
}

// Close marks the fake closed.
func (c *Conn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	if c.CloseFn != nil {
		return c.CloseFn()
	}
	return nil
}

func (c *Conn) String() string {
	if c.Name == "" {
		return "fake"
	}
	return c.Name
}

// Commands returns the commands run so far, in order.
func (c *Conn) Commands() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.commands)
}

// Uploads returns the uploads so far, in order.
func (c *Conn) Uploads() []Upload {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.uploads)
}

// FileOps returns the file operations so far, in order.
func (c *Conn) FileOps() []FileOp {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.files)
}

// Closed reports whether Close was called.
func (c *Conn) Closed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// ReceivedEqual fails t unless conn ran exactly the commands want, in order.
func ReceivedEqual(t testing.TB, conn *Conn, want ...string) {
	t.Helper()
	got := conn.Commands()
	if slices.Equal(got, want) {
		return
	}
	t.Errorf("%s received commands:\n%s\nwant:\n%s", conn, listing(got), listing(want))
}

func listing(cmds []string) string {
	if len(cmds) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for i, c := range cmds {
		fmt.Fprintf(&b, "  %d: %q\n", i, c)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
