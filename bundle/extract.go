package bundle

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Limits bound what Extract writes.
type Limits struct {
	MaxBytes   int64 // all files' bytes together, counted as they are written
	MaxEntries int
}

// DefaultLimits is generous for a service release and small next to a
// host's disk: a zip bomb stops at a gigabyte.
var DefaultLimits = Limits{MaxBytes: 1 << 30, MaxEntries: 100_000}

// Modes Extract gives what it writes: directories always dirMode; files
// the archive's permission bits within fileMask (no setuid, setgid,
// sticky bit, nor write for group or others). Owners are the extracting
// process's, never the archive's.
const (
	dirMode  = 0o755
	fileMask = 0o755
)

// Options say what Extract refuses besides what no release may hold.
type Options struct {
	Limits
	// Reserved maps paths the archive may not ship, nor anything under
	// them, to the reason why (release.json, the shared paths).
	Reserved map[string]string
}

// Extract unpacks the tar stream r into dir (an empty directory) and
// returns the manifest of what it wrote. It refuses (*RefusedError) an
// absolute path, "..", a symlink whose target leaves the release, an
// entry under a symlink, a hard link, a device file or fifo, a duplicate
// entry, a reserved path, more than the limits — checked before an entry
// is written and again on the bytes actually read. On an error dir holds
// a partial release: the caller deletes it.
func Extract(ctx context.Context, r io.Reader, dir string, o Options) (Manifest, error) {
	x := &extractor{dir: dir, o: o, left: o.MaxBytes, entries: map[string]Entry{}}
	tr := tar.NewReader(r)
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, refused("", "not a valid tar archive: %v", err)
		}
		if n >= o.MaxEntries {
			return nil, refused("", "more than %d entries", o.MaxEntries)
		}
		if err := x.entry(h, tr); err != nil {
			return nil, err
		}
	}
	m := make(Manifest, 0, len(x.entries))
	for _, e := range x.entries {
		m = append(m, e)
	}
	slices.SortFunc(m, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	return m, nil
}

type extractor struct {
	dir     string
	o       Options
	left    int64
	entries map[string]Entry
}

func (x *extractor) entry(h *tar.Header, r io.Reader) error {
	if h.Typeflag == tar.TypeXGlobalHeader {
		return nil // PAX defaults for the entries that follow; tar applied them
	}
	name, err := entryName(h.Name)
	if err != nil || name == "" {
		return err // "" is the release directory itself
	}
	for p, why := range x.o.Reserved {
		if name == p || strings.HasPrefix(name, p+"/") {
			return refused(h.Name, "%s is %s", p, why)
		}
	}
	switch h.Typeflag {
	case tar.TypeDir:
		return x.mkdir(h.Name, name)
	case tar.TypeReg:
		return x.file(h, name, r)
	case tar.TypeSymlink:
		return x.symlink(h.Name, name, h.Linkname)
	case tar.TypeLink:
		return refused(h.Name, "a hard link (to %.200q): store the file itself", h.Linkname)
	case tar.TypeChar, tar.TypeBlock:
		return refused(h.Name, "a device file: a release holds files, directories and symlinks")
	case tar.TypeFifo:
		return refused(h.Name, "a fifo: a release holds files, directories and symlinks")
	}
	return refused(h.Name, "an entry of tar type %q: a release holds files, directories and symlinks", h.Typeflag)
}

// parents creates the missing directories above name and refuses a
// parent that is a symlink or a file: nothing is ever written through a
// link.
func (x *extractor) parents(raw, name string) error {
	parts := strings.Split(name, "/")
	for i := 1; i < len(parts); i++ {
		p := strings.Join(parts[:i], "/")
		if e, ok := x.entries[p]; ok {
			if e.Kind != KindDir {
				return refused(raw, "its parent %s is a %s, not a directory", p, e.Kind)
			}
			continue
		}
		if err := x.makeDir(p); err != nil {
			return err
		}
	}
	return nil
}

func (x *extractor) makeDir(p string) error {
	full := filepath.Join(x.dir, filepath.FromSlash(p))
	if err := os.Mkdir(full, dirMode); err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	if err := os.Chmod(full, dirMode); err != nil { // the umask may have narrowed it
		return fmt.Errorf("unpack: %w", err)
	}
	x.entries[p] = Entry{Path: p, Kind: KindDir, Mode: dirMode}
	return nil
}

func (x *extractor) mkdir(raw, name string) error {
	if err := x.parents(raw, name); err != nil {
		return err
	}
	if e, ok := x.entries[name]; ok {
		if e.Kind == KindDir {
			return nil // named twice, or after an entry inside it: one directory
		}
		return refused(raw, "a duplicate of a %s", e.Kind)
	}
	return x.makeDir(name)
}

func (x *extractor) claim(raw, name string) error {
	if err := x.parents(raw, name); err != nil {
		return err
	}
	if e, ok := x.entries[name]; ok {
		return refused(raw, "a duplicate of a %s: an archive may name each path once", e.Kind)
	}
	return nil
}

// file writes a regular file, refusing it before a byte is written if
// its header asks for more than the limit leaves, and counting what it
// really reads.
func (x *extractor) file(h *tar.Header, name string, r io.Reader) error {
	if err := x.claim(h.Name, name); err != nil {
		return err
	}
	if h.Size < 0 || h.Size > x.left {
		return refused(h.Name, "%d bytes: a release unpacks to at most %d bytes in all, and %d are left",
			h.Size, x.o.MaxBytes, x.left)
	}
	mode := fs.FileMode(h.Mode).Perm() & fileMask
	full := filepath.Join(x.dir, filepath.FromSlash(name))
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	hash := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, hash), io.LimitReader(r, x.left+1))
	if err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return refused(h.Name, "the archive ends inside it (%d of %d bytes)", n, h.Size)
	case err != nil:
		return fmt.Errorf("unpack %s: %w", name, err)
	case n != h.Size || n > x.left:
		return refused(h.Name, "%d bytes read, its header says %d", n, h.Size)
	}
	x.left -= n
	x.entries[name] = Entry{Path: name, Kind: KindFile, Mode: uint32(mode), Size: n, SHA256: hex.EncodeToString(hash.Sum(nil))}
	return nil
}

func (x *extractor) symlink(raw, name, target string) error {
	if err := x.claim(raw, name); err != nil {
		return err
	}
	if !linkInside(name, target) {
		return refused(raw, "a symlink to %.200q, which leaves the release: a link must be relative and stay inside it", target)
	}
	if err := os.Symlink(target, filepath.Join(x.dir, filepath.FromSlash(name))); err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	x.entries[name] = Entry{Path: name, Kind: KindLink, Target: target}
	return nil
}

// Add records an entry the caller made in the release after Extract (a
// link to a shared path, the directories above it) in m, kept sorted.
func (m Manifest) Add(e Entry) Manifest {
	i, _ := slices.BinarySearchFunc(m, e.Path, func(a Entry, p string) int { return strings.Compare(a.Path, p) })
	return slices.Insert(m, i, e)
}
