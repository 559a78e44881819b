package agent

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// checkRoot reads the app root's owner and mode and the free space on
// its file system. shown is the root as the controller named it.
func (s *session) checkRoot(l layout, shown string, releaseSize int64) RootCheck {
	rc := RootCheck{Path: shown}
	fi, err := os.Lstat(l.root)
	switch {
	case err == nil:
		rc.Exists, rc.Dir = true, fi.IsDir()
		rc.Mode = uint32(fi.Mode().Perm())
		rc.UID, rc.GID, _ = fileOwner(fi)
	case !errors.Is(err, fs.ErrNotExist):
		rc.Error = s.prefix.shown(err.Error())
		return rc
	}
	// A missing root is made by the first rollout, on the file system
	// of its nearest existing parent.
	dir := l.root
	for !rc.Exists && dir != filepath.Dir(dir) {
		dir = filepath.Dir(dir)
		if _, err := os.Stat(dir); err == nil {
			break
		}
	}
	if rc.Free, err = freeBytes(dir); err != nil {
		rc.Error = s.prefix.shown(err.Error())
	}
	if releaseSize <= 0 {
		releaseSize = largestRelease(l)
	}
	if releaseSize > 0 {
		rc.Need = releaseSize + stageSlack
	}
	return rc
}

// largestRelease is the size of the largest release the host holds, 0
// when none can be read: the next one is likely about as large.
func largestRelease(l layout) int64 {
	rels, _ := l.listReleases() // unreadable: no estimate, not an error
	var n int64
	for _, r := range rels {
		n = max(n, r.Size)
	}
	return n
}
