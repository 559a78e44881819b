//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package transport

import "os"

// lockFile is a no-op where flock(2) is unavailable: appends still go
// through O_APPEND, only the duplicate check can race.
func lockFile(*os.File) (unlock func(), err error) {
	return func() {}, nil
}
