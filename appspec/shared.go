package appspec

import (
	"errors"
	"fmt"
	"strings"
)

// SharedPath is the rule for an app.shared entry: a path inside the
// release (relative, clean, every component of Name's characters, a
// leading dot allowed, never "." or ".."), ending in "/" for a directory.
// The agent keeps it in <root>/shared/ and links it into every release.
func SharedPath(s string) error {
	if err := releasePath(strings.TrimSuffix(s, "/")); err != nil {
		return err
	}
	if strings.HasSuffix(s, "//") {
		return errors.New("must be a clean path")
	}
	return nil
}

// EnvFile is the rule for app.env_file: a file inside the release (one it
// ships, or a shared one), by the same path rule as SharedPath.
func EnvFile(s string) error {
	if strings.HasSuffix(s, "/") {
		return errors.New("must name a file, not a directory")
	}
	return releasePath(s)
}

// SharedIsDir reports whether the shared path s names a directory.
func SharedIsDir(s string) bool { return strings.HasSuffix(s, "/") }

// SharedName is s without the trailing "/" of a directory.
func SharedName(s string) string { return strings.TrimSuffix(s, "/") }

// Shared checks the shared paths together: none twice, none inside
// another, none the binary.
func Shared(entries []SharedEntry, binary string) error {
	for i, e := range entries {
		n := e.Name()
		if n == binary {
			return fmt.Errorf("%s is the binary, which every release ships", e.Path)
		}
		for _, q := range entries[:i] {
			m := q.Name()
			if n == m || strings.HasPrefix(n, m+"/") || strings.HasPrefix(m, n+"/") {
				return fmt.Errorf("%s and %s overlap: a shared path may not lie inside another", q.Path, e.Path)
			}
		}
	}
	return nil
}

func releasePath(s string) error {
	switch {
	case s == "":
		return errors.New("must not be empty")
	case len(s) > MaxPath:
		return fmt.Errorf("must be at most %d characters", MaxPath)
	case strings.HasPrefix(s, "/"):
		return errors.New("must be relative to the release, not absolute")
	}
	for elem := range strings.SplitSeq(s, "/") {
		switch {
		case elem == "" || elem == ".":
			return errors.New("must be a clean path")
		case elem == "..":
			return errors.New(`must not contain ".."`)
		case len(elem) > MaxName:
			return fmt.Errorf("component %q must be at most %d characters", elem, MaxName)
		}
		if r, bad := firstBad(elem, isNameChar); bad {
			return fmt.Errorf("must not contain %q", r)
		}
	}
	if s == ReleaseFile {
		return fmt.Errorf("must not be %s, which fleet writes into every release", ReleaseFile)
	}
	return nil
}

// DefaultMaxUnpackedMiB is what a bundle may unpack to when
// app.max_unpacked_mib is not set: generous for a service, small next to
// a disk, so a zip bomb stops at a gigabyte.
const DefaultMaxUnpackedMiB = 1024

// maxMaxUnpackedMiB (1 TiB) keeps the limit meaningful.
const maxMaxUnpackedMiB = 1 << 20

// MaxUnpackedMiB is the rule for app.max_unpacked_mib: 1 to 1048576
// (1 TiB); 0 means DefaultMaxUnpackedMiB.
func MaxUnpackedMiB(n int) error {
	if n < 0 || n > maxMaxUnpackedMiB {
		return fmt.Errorf("must be between 1 and %d (MiB), got %d", maxMaxUnpackedMiB, n)
	}
	return nil
}

// UnpackLimit is the bytes a bundle of this spec may unpack to.
func (s Spec) UnpackLimit() int64 {
	if s.MaxUnpackedMiB == 0 {
		return DefaultMaxUnpackedMiB << 20
	}
	return int64(s.MaxUnpackedMiB) << 20
}
