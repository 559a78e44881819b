//go:build unix

package agent

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// errLockBusy means another open file description holds the flock.
var errLockBusy = errors.New("lock busy")

// flockTry takes an exclusive flock without blocking.
func flockTry(f *os.File) error {
	err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return errLockBusy
	}
	if err != nil {
		return fmt.Errorf("flock %s: %w", f.Name(), err)
	}
	return nil
}

// flockProbe reports whether someone holds an exclusive flock, by taking
// and at once dropping a shared one.
func flockProbe(f *os.File) (bool, error) {
	err := unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("flock %s: %w", f.Name(), err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_UN); err != nil {
		return false, fmt.Errorf("flock %s: %w", f.Name(), err)
	}
	return false, nil
}

// openUpload opens a file in .incoming, a directory the SSH user controls,
// without trusting it: no symlink is followed, a FIFO cannot block the
// open, and it must be a regular file with a single link (a hard link to
// a root-only file would otherwise be copied into a world-readable
// release).
func openUpload(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open upload: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("open upload: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.Mode().IsRegular() || !ok || uint64(st.Nlink) != 1 {
		_ = f.Close()
		return nil, fmt.Errorf("open upload %s: not a regular file with one link", path)
	}
	return f, nil
}

// freeBytes is the space an unprivileged writer may still use on the file
// system holding path.
func freeBytes(path string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", path, err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
