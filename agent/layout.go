package agent

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fleetdeploy/fleet/appspec"
)

// File and directory names of the host layout (DESIGN.md, "On the host").
const (
	currentLink  = "current"
	releasesDir  = "releases"
	fleetDir     = ".fleet"
	incomingDir  = ".incoming"
	releaseFile  = appspec.ReleaseFile // the binary may not be named so (appspec.Binary)
	stateFile    = "state.json"
	journalFile  = "journal.jsonl"
	lockFile     = "lock"
	partSuffix   = ".part"
	tmpInfix     = ".tmp-"
	deleteInfix  = ".del-"
	rootDirMode  = 0o755
	fleetDirMode = 0o700
	binaryMode   = 0o755
	privFileMode = 0o600
	pubFileMode  = 0o644
)

// layout computes paths under one validated root. All names joined onto it
// have been validated, so no path here can leave root.
type layout struct {
	root string // the spec's root, under Deps.RootPrefix when one is set
}

func (l layout) current() string         { return filepath.Join(l.root, currentLink) }
func (l layout) releases() string        { return filepath.Join(l.root, releasesDir) }
func (l layout) fleet() string           { return filepath.Join(l.root, fleetDir) }
func (l layout) incoming() string        { return filepath.Join(l.root, incomingDir) }
func (l layout) state() string           { return filepath.Join(l.root, fleetDir, stateFile) }
func (l layout) journal() string         { return filepath.Join(l.root, fleetDir, journalFile) }
func (l layout) lock() string            { return filepath.Join(l.root, fleetDir, lockFile) }
func (l layout) release(v string) string { return filepath.Join(l.root, releasesDir, v) }

func (l layout) releaseMeta(v string) string {
	return filepath.Join(l.root, releasesDir, v, releaseFile)
}

func (l layout) binary(v, binary string) string {
	return filepath.Join(l.root, releasesDir, v, binary)
}

// linkTarget is what current points at: relative, so the tree can be
// moved or inspected from a chroot.
func linkTarget(v string) string { return releasesDir + "/" + v }

// readCurrent returns the version current points at, "" when there is no
// current yet.
func (l layout) readCurrent() (string, error) {
	target, err := os.Readlink(l.current())
	if os.IsNotExist(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read current: %w", err)
	}
	v, ok := strings.CutPrefix(target, releasesDir+"/")
	if !ok || ValidateVersion(v) != nil {
		return "", fmt.Errorf("read current: unexpected target %q", target)
	}
	return v, nil
}

// ensureDir creates dir with mode if missing and refuses anything at that
// path that is not a real directory (a symlink there could redirect root's
// writes).
func ensureDir(dir string, mode os.FileMode) error {
	err := os.Mkdir(dir, mode)
	if err != nil && !os.IsExist(err) {
		return fmt.Errorf("mkdir %s: %w", dir, err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("mkdir %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("mkdir %s: exists and is not a directory", dir)
	}
	return nil
}

// ensureRoot creates root (and its parents) and .fleet.
func (l layout) ensureRoot() error {
	if err := os.MkdirAll(l.root, rootDirMode); err != nil {
		return fmt.Errorf("mkdir %s: %w", l.root, err)
	}
	return ensureDir(l.fleet(), fleetDirMode)
}
