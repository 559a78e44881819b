//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package transport

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive flock(2) on f. Separate opens of the file
// exclude each other even inside one process, so concurrent dials need no
// extra mutex.
func lockFile(f *os.File) (unlock func(), err error) {
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }, nil
}
