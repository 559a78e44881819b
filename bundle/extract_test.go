package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// ent is one entry of a test archive; body fills a file, size (when
// non-zero) overrides what the header declares.
type ent struct {
	name, body, link string
	typ              byte
	mode             int64
}

func archive(t *testing.T, ents ...ent) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Linkname: e.link, Size: int64(len(e.body))}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func extract(t *testing.T, data []byte, o Options) (string, Manifest, error) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "rel")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if o.MaxBytes == 0 {
		o.Limits = DefaultLimits
	}
	m, err := Extract(context.Background(), bytes.NewReader(data), dir, o)
	return dir, m, err
}

func TestExtract_Refuses(t *testing.T) {
	reserved := map[string]string{"release.json": "fleet's", "config/secrets.env": "a shared path"}
	for _, c := range []struct {
		name string
		ents []ent
		want string
	}{
		{"absolute", []ent{{name: "/etc/passwd", body: "x"}}, "absolute path"},
		{"dotdot", []ent{{name: "a/../../x", body: "x"}}, `".."`},
		{"dotdot inside", []ent{{name: "a/../b", body: "x"}}, `".."`},
		{"symlink absolute", []ent{{name: "l", typ: tar.TypeSymlink, link: "/etc"}}, "leaves the release"},
		{"symlink up", []ent{{name: "a/l", typ: tar.TypeSymlink, link: "../../x"}}, "leaves the release"},
		{"symlink down then up", []ent{{name: "l", typ: tar.TypeSymlink, link: "a/../.."}}, "leaves the release"},
		{"write through symlink", []ent{{name: "d", typ: tar.TypeSymlink, link: "."}, {name: "d/x", body: "x"}}, "not a directory"},
		{"hard link", []ent{{name: "a", body: "x"}, {name: "b", typ: tar.TypeLink, link: "a"}}, "hard link"},
		{"char device", []ent{{name: "null", typ: tar.TypeChar}}, "device file"},
		{"block device", []ent{{name: "sda", typ: tar.TypeBlock}}, "device file"},
		{"fifo", []ent{{name: "p", typ: tar.TypeFifo}}, "fifo"},
		{"duplicate", []ent{{name: "a", body: "x"}, {name: "a", body: "y"}}, "duplicate"},
		{"file over dir", []ent{{name: "a/", typ: tar.TypeDir}, {name: "a", body: "y"}}, "duplicate"},
		{"release.json", []ent{{name: "release.json", body: "{}"}}, "fleet's"},
		{"shared path", []ent{{name: "config/secrets.env", body: "PW=1"}}, "a shared path"},
		{"under shared path", []ent{{name: "./config/secrets.env/x", body: "PW=1"}}, "a shared path"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := extract(t, archive(t, c.ents...), Options{Reserved: reserved})
			var re *RefusedError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want a RefusedError with %q", err, c.want)
			}
		})
	}
}

// A header that declares more than the limit leaves is refused before a
// byte of it is written; the bytes of several files count together.
func TestExtract_SizeLimit(t *testing.T) {
	dir, _, err := extract(t, archive(t, ent{name: "a", body: strings.Repeat("x", 600)}, ent{name: "b", body: strings.Repeat("y", 600)}),
		Options{Limits: Limits{MaxBytes: 1000, MaxEntries: 10}})
	if err == nil || !strings.Contains(err.Error(), "at most 1000 bytes") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "b")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("b was written: %v", err)
	}
	_, _, err = extract(t, archive(t, ent{name: "a"}, ent{name: "b"}, ent{name: "c"}), Options{Limits: Limits{MaxBytes: 1000, MaxEntries: 2}})
	if err == nil || !strings.Contains(err.Error(), "more than 2 entries") {
		t.Fatalf("entries: err = %v", err)
	}
}

// 2 GiB of zeros compressed to a few kilobytes: the header's size is
// refused against the limit; nothing is inflated to disk.
func TestExtract_ZipBomb(t *testing.T) {
	var b bytes.Buffer
	zw, err := zstd.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(zw)
	const size = 2 << 30
	if err := tw.WriteHeader(&tar.Header{Name: "zeros", Typeflag: tar.TypeReg, Mode: 0o644, Size: size}); err != nil {
		t.Fatal(err)
	}
	zero := make([]byte, 1<<20)
	for range size / len(zero) {
		if _, err := tw.Write(zero); err != nil {
			t.Fatal(err)
		}
	}
	if err := errors.Join(tw.Close(), zw.Close()); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 1<<20 {
		t.Fatalf("the bomb is %d bytes", b.Len())
	}
	r, err := Decompress(bytes.NewReader(b.Bytes()), TarZst)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, err = Extract(context.Background(), r, dir, Options{Limits: DefaultLimits})
	if err == nil || !strings.Contains(err.Error(), "2147483648 bytes") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "zeros")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("zeros was written: %v", err)
	}
}

// A truncated archive (the file ends before its header's size) is
// refused: the bytes read are counted, not the header believed.
func TestExtract_Truncated(t *testing.T) {
	data := archive(t, ent{name: "a", body: strings.Repeat("x", 5000)})
	_, _, err := extract(t, data[:2048], Options{})
	if err == nil || !strings.Contains(err.Error(), "ends inside it") {
		t.Fatalf("err = %v", err)
	}
}

func TestExtract_ModesLinksAndManifest(t *testing.T) {
	data := archive(t,
		ent{name: "./bin/hello", body: "#!", mode: 0o4777},
		ent{name: "greeting.txt", body: "bonjour", mode: 0o666},
		ent{name: "bin/cur", typ: tar.TypeSymlink, link: "../greeting.txt"},
		ent{name: "etc/", typ: tar.TypeDir, mode: 0o700},
	)
	dir, m, err := extract(t, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "bin", "hello"))
	if err != nil || fi.Mode() != 0o755 {
		t.Errorf("bin/hello: %v %v, want -rwxr-xr-x without setuid", fi.Mode(), err)
	}
	var paths []string
	for _, e := range m {
		paths = append(paths, e.Path+":"+e.Kind)
	}
	if got := strings.Join(paths, " "); got != "bin:dir bin/cur:symlink bin/hello:file etc:dir greeting.txt:file" {
		t.Errorf("manifest %s", got)
	}
	if e, _ := m.Find("greeting.txt"); e.Mode != 0o644 || e.Size != 7 || len(e.SHA256) != 64 {
		t.Errorf("greeting.txt: %+v", e)
	}
	if err := Verify(dir, m); err != nil {
		t.Fatalf("verify a fresh release: %v", err)
	}
}

func TestVerify_Mismatches(t *testing.T) {
	data := archive(t, ent{name: "hello", body: "#!bin", mode: 0o755}, ent{name: "greeting.txt", body: "hi"},
		ent{name: "l", typ: tar.TypeSymlink, link: "greeting.txt"})
	for _, c := range []struct {
		name   string
		change func(dir string) error
		want   string
	}{
		{"content", func(d string) error { return os.WriteFile(filepath.Join(d, "greeting.txt"), []byte("ho"), 0o644) }, "sha256"},
		{"size", func(d string) error { return os.WriteFile(filepath.Join(d, "greeting.txt"), []byte("hello"), 0o644) }, "bytes"},
		{"mode", func(d string) error { return os.Chmod(filepath.Join(d, "greeting.txt"), 0o666) }, "mode"},
		{"added", func(d string) error { return os.WriteFile(filepath.Join(d, "extra"), nil, 0o644) }, "not in the manifest"},
		{"removed", func(d string) error { return os.Remove(filepath.Join(d, "greeting.txt")) }, "missing"},
		{"relinked", func(d string) error {
			_ = os.Remove(filepath.Join(d, "l"))
			return os.Symlink("hello", filepath.Join(d, "l"))
		}, "links to"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, m, err := extract(t, data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.change(dir); err != nil {
				t.Fatal(err)
			}
			err = Verify(dir, m, "release.json")
			var me *MismatchError
			if !errors.As(err, &me) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want a MismatchError with %q", err, c.want)
			}
		})
	}
}

// Pack is deterministic, and what it packs Extract unpacks to the same
// tree; gzip works as tar does.
func TestPack_DeterministicRoundTrip(t *testing.T) {
	src := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(src, "config"), 0o755))
	must(os.WriteFile(filepath.Join(src, "hello"), []byte("binary"), 0o755))
	must(os.WriteFile(filepath.Join(src, "config", "greeting"), []byte("hallo"), 0o644))
	must(os.Symlink("config/greeting", filepath.Join(src, "g")))
	var a, b bytes.Buffer
	must(Pack(&a, src))
	must(os.Chtimes(filepath.Join(src, "hello"), time.Now().Add(time.Hour), time.Now().Add(time.Hour)))
	must(Pack(&b, src))
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two packs of one directory differ")
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(a.Bytes())
	must(zw.Close())
	r, err := Decompress(&gz, TarGz)
	must(err)
	dir := t.TempDir()
	m, err := Extract(context.Background(), r, dir, Options{Limits: DefaultLimits})
	must(err)
	must(Verify(dir, m))
	if e, ok := m.Find("g"); !ok || e.Target != "config/greeting" {
		t.Errorf("g: %+v", e)
	}
	var out bytes.Buffer
	found, err := ReadFile(bytes.NewReader(a.Bytes()), "config/greeting", &out, 100)
	if !found || err != nil || out.String() != "hallo" {
		t.Errorf("ReadFile: %v %v %q", found, err, out.String())
	}
}
