package deploy

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/fleetdeploy/fleet/provenance"
)

// ErrDirtyBuild refuses a rollout of an artifact built from a git tree
// with uncommitted changes, when Options.RefuseDirty asks for it.
var ErrDirtyBuild = errors.New("dirty build")

// Artifact is the release binary on the controller. Its checksum and
// provenance are read once per rollout, not once per host.
type Artifact struct {
	Path    string
	SHA256  string // hex
	Size    int64
	Version string
	// Provenance is what the file says it is (its Go build info) and,
	// with WithRevision, the commit the user says it was built from.
	// Every host's release.json records it.
	Provenance provenance.Provenance
}

// OpenArtifact hashes the file at path and reads its Go build info (a
// file that is not a Go binary is not an error: its Provenance says what
// it is). An empty version is derived from the checksum so that the same
// bytes always get the same version name.
func OpenArtifact(path, version string) (Artifact, error) {
	f, err := os.Open(path)
	if err != nil {
		return Artifact{}, fmt.Errorf("artifact: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Artifact{}, fmt.Errorf("artifact: %w", err)
	}
	if !st.Mode().IsRegular() {
		return Artifact{}, fmt.Errorf("artifact %s: not a regular file", path)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return Artifact{}, fmt.Errorf("artifact %s: %w", path, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if version == "" {
		version = "sha-" + sum[:12]
	}
	prov, err := provenance.Read(path)
	if err != nil {
		return Artifact{}, fmt.Errorf("artifact %s: %w", path, err)
	}
	return Artifact{Path: path, SHA256: sum, Size: n, Version: version, Provenance: prov}, nil
}

// WithRevision is a with the git commit it was built from given by the
// user (--revision): for an artifact whose build info has none. A revision
// that is not a commit hash, or that disagrees with the build info, is an
// error (provenance.ErrInvalidRevision, ErrRevisionConflict); "" changes
// nothing.
func (a Artifact) WithRevision(rev string) (Artifact, error) {
	p, err := provenance.Merge(a.Provenance, provenance.Overrides{Revision: rev})
	if err != nil {
		return a, fmt.Errorf("--revision: %w", err)
	}
	a.Provenance = p
	return a, nil
}

// refuseDirty is ErrDirtyBuild for an artifact built from a dirty tree.
func (a Artifact) refuseDirty() error {
	if !a.Provenance.Dirty() {
		return nil
	}
	return fmt.Errorf("%w: %s was built from a tree with uncommitted changes (%s); commit and rebuild, or drop strategy.refuse_dirty / --refuse-dirty",
		ErrDirtyBuild, a.Version, a.Provenance)
}

// provenanceOf is the Provenance to send and record, nil when nothing is
// known (an empty one).
func (a Artifact) provenanceOf() *provenance.Provenance {
	if a.Provenance == (provenance.Provenance{}) {
		return nil
	}
	p := a.Provenance
	return &p
}
