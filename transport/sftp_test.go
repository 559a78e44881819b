package transport_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/fleetdeploy/fleet/transport/transporttest"
)

func TestUpload_ConcurrentWrites(t *testing.T) {
	root := t.TempDir()
	srv, cfg := newServer(t, transporttest.ServerOptions{Root: root})
	c := dial(t, srv, cfg)
	data := make([]byte, 5<<20+123) // not a multiple of the packet size
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	var last atomic.Int64
	// A plain io.Reader (no Len/Size) is the case pkg/sftp would write
	// sequentially unless asked for concurrency.
	src := io.MultiReader(bytes.NewReader(data))
	n, err := c.Upload(testContext(t), "app.1.part", src, 0o750, func(w int64) { last.Store(w) })
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if n != int64(len(data)) || last.Load() != n {
		t.Errorf("Upload returned %d, progress ended at %d; want %d", n, last.Load(), len(data))
	}
	got, err := os.ReadFile(filepath.Join(root, "app.1.part"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("uploaded content differs (%d bytes, want %d)", len(got), len(data))
	}
	fi, err := c.Stat(testContext(t), "app.1.part")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o750 || fi.Size() != int64(len(data)) {
		t.Errorf("Stat: mode %v size %d, want 0750 and %d", fi.Mode().Perm(), fi.Size(), len(data))
	}
}

func TestUpload_TruncatesExisting(t *testing.T) {
	root := t.TempDir()
	srv, cfg := newServer(t, transporttest.ServerOptions{Root: root})
	c := dial(t, srv, cfg)
	if err := os.WriteFile(filepath.Join(root, "f"), bytes.Repeat([]byte("old"), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upload(testContext(t), "f", bytes.NewReader([]byte("new")), 0o644, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(root, "f")); string(got) != "new" {
		t.Errorf("content = %q, want %q", got, "new")
	}
}

func TestUpload_CancelRemovesPartialFile(t *testing.T) {
	root := t.TempDir()
	srv, cfg := newServer(t, transporttest.ServerOptions{Root: root})
	c := dial(t, srv, cfg)
	ctx, cancel := context.WithCancel(testContext(t))
	src := io.MultiReader(bytes.NewReader(make([]byte, 1<<20)), readerFunc(func([]byte) (int, error) {
		cancel()
		return 0, nil
	}), bytes.NewReader(make([]byte, 1<<20)))
	_, err := c.Upload(ctx, "partial", src, 0o644, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Join(root, "partial")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("partial file left behind: %v", err)
	}
}

func TestStatRemove(t *testing.T) {
	root := t.TempDir()
	srv, cfg := newServer(t, transporttest.ServerOptions{Root: root})
	c := dial(t, srv, cfg)
	if err := os.WriteFile(filepath.Join(root, "gone"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove(testContext(t), "gone"); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if _, err := c.Stat(testContext(t), "gone"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat after Remove: %v, want fs.ErrNotExist", err)
	}
	ctx, cancel := context.WithCancel(testContext(t))
	cancel()
	if _, err := c.Stat(ctx, "gone"); !errors.Is(err, context.Canceled) {
		t.Errorf("Stat with cancelled ctx: %v", err)
	}
}

func TestSFTP_InMemoryServer(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{}) // no Root: in-memory
	c := dial(t, srv, cfg)
	if _, err := c.Upload(testContext(t), "/mem", bytes.NewReader([]byte("hi")), 0o600, nil); err != nil {
		t.Fatal(err)
	}
	sc, err := c.SFTP()
	if err != nil {
		t.Fatal(err)
	}
	f, err := sc.Open("/mem")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, _ := io.ReadAll(f); string(got) != "hi" {
		t.Errorf("read back %q", got)
	}
	if again, _ := c.SFTP(); again != sc {
		t.Error("SFTP() opened a second client; want the first reused")
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
