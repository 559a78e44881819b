package provenance

import (
	"bytes"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"
)

// Read reads the Go build info embedded in the release artifact at path:
// main module, version and package, Go version, target, and what Go
// stamped about the git tree it was built in (vcs, vcs.revision, vcs.time,
// vcs.modified; `go build` stamps them by default inside a repository,
// -buildvcs=true makes it fail rather than skip).
//
// An artifact that is not a Go binary is not an error: Read returns a
// Provenance whose NoBuildInfo says what the file looks like (a script, a
// tar archive, an executable without Go build info, …), and the caller
// falls back to flags with Merge. The error is non-nil only when the file
// cannot be opened or read (it wraps the *fs.PathError), or is not a
// regular file.
func Read(path string) (Provenance, error) {
	f, err := os.Open(path)
	if err != nil {
		return Provenance{}, fmt.Errorf("read build info: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Provenance{}, fmt.Errorf("read build info: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return Provenance{}, fmt.Errorf("read build info: %s is not a regular file (%s)", path, fi.Mode().Type())
	}
	r := &recordingReader{r: f}
	kind, other, err := sniff(r)
	if err != nil {
		return Provenance{}, fmt.Errorf("read build info: %w", err)
	}
	if other {
		return Provenance{NoBuildInfo: kind + ", not a Go binary"}, nil
	}
	info, err := buildinfo.Read(r)
	switch {
	case r.err != nil: // the file, not its contents, failed
		return Provenance{}, fmt.Errorf("read build info: %w", r.err)
	case err != nil:
		return Provenance{NoBuildInfo: clean(kind+" without Go build info ("+err.Error()+")", MaxText)}, nil
	}
	return fromBuildInfo(info), nil
}

// fromBuildInfo keeps what fleet records of a binary's build info.
func fromBuildInfo(info *debug.BuildInfo) Provenance {
	p := Provenance{
		Module:    clean(info.Main.Path, MaxText),
		Version:   clean(info.Main.Version, MaxText),
		Package:   clean(info.Path, MaxText),
		GoVersion: clean(info.GoVersion, MaxText),
	}
	if p.GoVersion == "" { // never from the Go toolchain; keeps HasBuildInfo true
		p.GoVersion = "unknown"
	}
	for _, s := range info.Settings {
		v := clean(s.Value, MaxText)
		switch s.Key {
		case "GOOS":
			p.GOOS = v
		case "GOARCH":
			p.GOARCH = v
		case "vcs":
			p.VCS = v
		case "vcs.revision":
			p.VCSRevision = v
			p.RevisionFrom = FromBuildInfo
		case "vcs.time":
			// Go writes RFC 3339 in UTC; anything else is dropped.
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				p.VCSTime = t.UTC()
			}
		case "vcs.modified":
			p.VCSModified = v == "true"
		}
	}
	return p
}

// sniff says what kind of file r holds from its first bytes. other is
// true for the formats a release artifact may plausibly be instead of an
// executable (a script, an archive, an empty file), which Read does not
// hand to debug/buildinfo; anything else is tried, since debug/buildinfo
// knows more executable formats than fleet names. The error is an I/O
// error.
func sniff(r io.ReaderAt) (kind string, other bool, err error) {
	var head [8]byte
	n, err := r.ReadAt(head[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, err
	}
	b := head[:n]
	for _, m := range others() {
		if bytes.HasPrefix(b, m.magic) {
			return m.kind, true, nil
		}
	}
	for _, m := range executables() {
		if bytes.HasPrefix(b, m.magic) {
			return m.kind, false, nil
		}
	}
	if n == 0 {
		return "an empty file", true, nil
	}
	var ustar [5]byte // POSIX tar: "ustar" at offset 257
	if n, err := r.ReadAt(ustar[:], 257); n == len(ustar) && string(ustar[:]) == "ustar" {
		return "a tar archive", true, nil
	} else if err != nil && !errors.Is(err, io.EOF) {
		return "", false, err
	}
	return "a file", false, nil
}

type magic struct {
	magic []byte
	kind  string
}

// executables name the formats debug/buildinfo reads, for NoBuildInfo.
func executables() []magic {
	return []magic{
		{[]byte("\x7fELF"), "an ELF executable"},
		{[]byte("\xfe\xed\xfa"), "a Mach-O executable"},
		{[]byte("\xce\xfa\xed\xfe"), "a Mach-O executable"},
		{[]byte("\xcf\xfa\xed\xfe"), "a Mach-O executable"},
		{[]byte("\xca\xfe\xba\xbe"), "a Mach-O universal executable"},
		{[]byte("\xca\xfe\xba\xbf"), "a Mach-O universal executable"},
		{[]byte("MZ"), "a PE executable"},
		{[]byte("\x01\xdf"), "an XCOFF executable"},
		{[]byte("\x01\xf7"), "an XCOFF executable"},
	}
}

// others are formats a release artifact may plausibly be instead.
func others() []magic {
	return []magic{
		{[]byte("#!"), "a script"},
		{[]byte("\x1f\x8b"), "a gzip file"},
		{[]byte("PK\x03\x04"), "a zip file"},
		{[]byte("(\xb5/\xfd"), "a zstd file"},
		{[]byte("\xfd7zXZ\x00"), "an xz file"},
		{[]byte("BZh"), "a bzip2 file"},
	}
}

// recordingReader remembers the first error other than io.EOF its reads
// return, so that Read can tell a file it could not read from one whose
// contents are not a Go binary without looking at error text.
type recordingReader struct {
	r   io.ReaderAt
	err error
}

func (r *recordingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.r.ReadAt(p, off)
	if err != nil && !errors.Is(err, io.EOF) && r.err == nil {
		r.err = err
	}
	return n, err
}

// Self is the running program's own provenance, from the build info the
// Go toolchain embedded in it; false when it has none (a test binary
// built without it).
func Self() (Provenance, bool) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return Provenance{}, false
	}
	return fromBuildInfo(info), true
}
