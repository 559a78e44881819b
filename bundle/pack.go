package bundle

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Pack writes dir as a tar stream that depends only on what the files
// hold: entries in lexical order, owners, times and names of users
// zeroed, permission bits kept. The same directory packs to the same
// bytes, so its sha256 names the release (a version names one artifact
// for good).
func Pack(w io.Writer, dir string) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(dir, func(full string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, full)
		if err != nil || rel == "." {
			return err
		}
		return packEntry(tw, full, filepath.ToSlash(rel), d)
	})
	if err != nil {
		return fmt.Errorf("pack %s: %w", dir, err)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("pack %s: %w", dir, err)
	}
	return nil
}

func packEntry(tw *tar.Writer, full, rel string, d fs.DirEntry) error {
	fi, err := d.Info()
	if err != nil {
		return err
	}
	h := &tar.Header{Name: rel, Mode: int64(fi.Mode().Perm()), ModTime: time.Unix(0, 0)}
	switch {
	case fi.IsDir():
		h.Typeflag, h.Name = tar.TypeDir, rel+"/"
	case fi.Mode()&fs.ModeSymlink != 0:
		h.Typeflag, h.Mode = tar.TypeSymlink, 0o777
		if h.Linkname, err = os.Readlink(full); err != nil {
			return err
		}
	case fi.Mode().IsRegular():
		h.Typeflag, h.Size = tar.TypeReg, fi.Size()
	default:
		return fmt.Errorf("%s is a %s: a bundle holds files, directories and symlinks", rel, fi.Mode().Type())
	}
	if err := tw.WriteHeader(h); err != nil {
		return err
	}
	if h.Typeflag != tar.TypeReg {
		return nil
	}
	f, err := os.Open(full)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(tw, f)
	if err == nil && n != h.Size {
		err = errors.New("changed while it was packed")
	}
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	return nil
}

// ReadFile copies the regular file name out of the tar stream r into w,
// at most max bytes. found is false when the archive has no such file.
func ReadFile(r io.Reader, name string, w io.Writer, max int64) (found bool, err error) {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("not a valid tar archive: %w", err)
		}
		if n, err := entryName(h.Name); err != nil || n != name || h.Typeflag != tar.TypeReg {
			continue
		}
		if h.Size > max {
			return true, fmt.Errorf("%s: %d bytes, more than %d", name, h.Size, max)
		}
		_, err = io.Copy(w, tr)
		return true, err
	}
}
