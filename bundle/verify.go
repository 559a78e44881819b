package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// MismatchError says how a release directory differs from its manifest.
type MismatchError struct {
	Path   string
	Reason string
}

func (e *MismatchError) Error() string { return e.Path + ": " + e.Reason }

// Verify checks that dir holds exactly m — every file with its size,
// mode and sha256, every directory with its mode, every symlink with its
// target, nothing more — ignoring the top-level names in skip. The first
// difference is a *MismatchError; anything else is an I/O error.
func Verify(dir string, m Manifest, skip ...string) error {
	want := make(map[string]Entry, len(m))
	for _, e := range m {
		want[e.Path] = e
	}
	seen := 0
	err := filepath.WalkDir(dir, func(full string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, full)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		for _, s := range skip {
			if rel == s {
				return nil
			}
		}
		e, ok := want[rel]
		if !ok {
			return &MismatchError{Path: rel, Reason: "not in the manifest (added after staging)"}
		}
		seen++
		return check(full, e)
	})
	if err != nil {
		return err
	}
	if seen != len(want) {
		for _, e := range m {
			if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(e.Path))); errors.Is(err, fs.ErrNotExist) {
				return &MismatchError{Path: e.Path, Reason: "missing (removed after staging)"}
			}
		}
		return &MismatchError{Path: ".", Reason: "entries missing"}
	}
	return nil
}

func check(full string, e Entry) error {
	fi, err := os.Lstat(full)
	if err != nil {
		return err
	}
	bad := func(format string, args ...any) error {
		return &MismatchError{Path: e.Path, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		if e.Kind != KindLink {
			return bad("a symlink, the manifest says %s", e.Kind)
		}
		t, err := os.Readlink(full)
		if err != nil {
			return err
		}
		if t != e.Target {
			return bad("links to %q, the manifest says %q", t, e.Target)
		}
		return nil
	case fi.IsDir():
		if e.Kind != KindDir {
			return bad("a directory, the manifest says %s", e.Kind)
		}
	case fi.Mode().IsRegular():
		if e.Kind != KindFile {
			return bad("a file, the manifest says %s", e.Kind)
		}
		if fi.Size() != e.Size {
			return bad("%d bytes, the manifest says %d", fi.Size(), e.Size)
		}
	default:
		return bad("a %s, the manifest says %s", fi.Mode().Type(), e.Kind)
	}
	if uint32(fi.Mode().Perm()) != e.Mode || fi.Mode()&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != 0 {
		return bad("mode %s, the manifest says %s", fi.Mode(), fs.FileMode(e.Mode))
	}
	if e.Kind != KindFile {
		return nil
	}
	sum, err := FileSHA256(full)
	if err != nil {
		return err
	}
	if sum != e.SHA256 {
		return bad("sha256 %s, the manifest says %s", sum, e.SHA256)
	}
	return nil
}

// FileSHA256 is the hex sha256 of the file at path: the one file hash of
// the controller (the artifact, the agent binary) and the agent (the
// release, the manifest).
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
