package hostsim

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A host's own paths (absolute, as the controller and the agent's answers
// name them) lie under its directory, which plays the host's / as a
// chroot would: the agent gets it as agent.Deps.RootPrefix, and the SFTP
// server maps every path it is given the same way.

// local is where path, one of the host's own, lies in this process.
func (h *Host) local(path string) string {
	return filepath.Join(h.dir, filepath.Join("/", path))
}

// hostPath is the host's own name for a path of this process under its
// directory; other paths are returned as they are.
func (h *Host) hostPath(path string) string {
	rel, err := filepath.Rel(h.dir, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return path
	}
	return filepath.Join("/", rel)
}

// hostError names the paths in err, which the SFTP server sends its
// client as the failure's message, as the host's own.
func (h *Host) hostError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: h.hostPath(pe.Path), Err: pe.Err}
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return &os.LinkError{Op: le.Op, Old: h.hostPath(le.Old), New: h.hostPath(le.New), Err: le.Err}
	}
	return err
}
