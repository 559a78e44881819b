package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrExists is WriteNew's answer for a file already there: nothing was
// written.
var ErrExists = errors.New("exists; not overwritten")

// WriteNew creates path with data, and refuses (ErrExists) if path
// exists, even as a dangling symlink: O_EXCL makes the check and the
// creation one step, so a file that appears meanwhile is not clobbered
// either. A file it could not finish is removed.
func WriteNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s: %w", path, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
