//go:build !unix

package agent

import (
	"errors"
	"fmt"
	"os"
)

// The agent only runs on Linux hosts; these stubs let the controller side
// of this package (Client) build everywhere.

var errLockBusy = errors.New("lock busy")

func flockTry(*os.File) error {
	return fmt.Errorf("flock: %w", errors.ErrUnsupported)
}

func flockProbe(*os.File) (bool, error) {
	return false, fmt.Errorf("flock: %w", errors.ErrUnsupported)
}

func openUpload(string) (*os.File, error) {
	return nil, fmt.Errorf("open upload: %w", errors.ErrUnsupported)
}

func freeBytes(string) (int64, error) {
	return 0, fmt.Errorf("statfs: %w", errors.ErrUnsupported)
}
