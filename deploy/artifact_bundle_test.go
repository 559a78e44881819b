package deploy

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/bundle"
)

// bundleDir is a release directory holding this test binary (a Go
// binary with build info) as app.binary, and a config file.
func bundleDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	exe, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "hello"), exe, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config", "greeting"), []byte("bonjour"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A directory is sent as its deterministic tar: the stream open gives is
// what OpenBundle hashed, and the build info comes from app.binary.
func TestOpenBundle_Directory(t *testing.T) {
	dir := bundleDir(t)
	a, err := OpenBundle(dir, "v1", "hello")
	if err != nil {
		t.Fatal(err)
	}
	if a.Format != bundle.Tar || !a.Provenance.HasBuildInfo() {
		t.Errorf("format %q provenance %+v, want tar with build info", a.Format, a.Provenance)
	}
	r, err := a.open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil || n != a.Size || hex.EncodeToString(h.Sum(nil)) != a.SHA256 {
		t.Errorf("stream: %d bytes %v, want %d with sha256 %s", n, err, a.Size, a.SHA256)
	}
	again, err := OpenBundle(dir, "", "hello")
	if err != nil || again.SHA256 != a.SHA256 {
		t.Errorf("the same directory hashed again: %s %v, want %s", again.SHA256, err, a.SHA256)
	}
	if _, err := OpenBundle(dir, "v1", "other"); err == nil || !strings.Contains(err.Error(), "no file other (app.binary)") {
		t.Errorf("missing binary: %v", err)
	}
}

func TestOpenBundle_Archive(t *testing.T) {
	var tb bytes.Buffer
	if err := bundle.Pack(&tb, bundleDir(t)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hello.tar.gz")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(tb.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := OpenBundle(path, "v1", "hello")
	if err != nil {
		t.Fatal(err)
	}
	if a.Format != bundle.TarGz || a.Size != int64(gz.Len()) || !a.Provenance.HasBuildInfo() {
		t.Errorf("%+v", a)
	}
	if _, err := OpenBundle(path, "v1", "nope"); err == nil || !strings.Contains(err.Error(), "no file nope") {
		t.Errorf("missing binary: %v", err)
	}
	// A bare binary stays one.
	b, err := OpenBundle(os.Args[0], "v1", "hello")
	if err != nil || b.Format != bundle.Binary {
		t.Errorf("binary: %+v %v", b.Format, err)
	}
}
