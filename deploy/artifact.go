package deploy

import (
	"errors"
	"fmt"
	"os"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/bundle"
	"github.com/fleetdeploy/fleet/provenance"
)

// ErrDirtyBuild refuses a rollout of an artifact built from a git tree
// with uncommitted changes, when Options.RefuseDirty asks for it.
var ErrDirtyBuild = errors.New("dirty build")

// Artifact is the release on the controller: a binary or a bundle. Its checksum and
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
	// Format is a bundle's (bundle.Tar for a directory, packed by
	// bundle.Pack as it is sent); bundle.Binary for a bare binary.
	Format bundle.Format
	dir    bool
	// URL, when set, is where every host downloads the release from
	// (OpenURLRelease): Path is empty and Size unknown (0), and the
	// controller sends no bytes. AllowHTTP lets it be http://.
	URL       string
	AllowHTTP bool
}

// OpenArtifact hashes the file at path and reads its Go build info (a
// file that is not a Go binary is not an error: its Provenance says what
// it is). An empty version is derived from the checksum so that the same
// bytes always get the same version name. A directory or a .tar, .tar.gz,
// .tgz or .tar.zst archive is a bundle (OpenBundle), whose binary this
// does not read.
func OpenArtifact(path, version string) (Artifact, error) {
	return OpenBundle(path, version, "")
}

// OpenBundle is OpenArtifact for an artifact that may be a bundle whose
// executable is binary (app.binary): its build info is read from that
// file inside the directory or archive, which must hold it.
func OpenBundle(path, version, binary string) (Artifact, error) {
	if IsURL(path) { // never echo a presigned URL's query in "no such file"
		return Artifact{}, fmt.Errorf("artifact %s: a URL, which only fleet rollout and fleet plan take", agent.RedactURL(path))
	}
	st, err := os.Stat(path)
	if err != nil {
		return Artifact{}, fmt.Errorf("artifact: %w", err)
	}
	if !st.IsDir() && !st.Mode().IsRegular() {
		return Artifact{}, fmt.Errorf("artifact %s: not a regular file or a directory", path)
	}
	format := bundle.FormatOf(path, st.IsDir())
	sum, n, err := digest(path, st.IsDir())
	if err != nil {
		return Artifact{}, fmt.Errorf("artifact %s: %w", path, err)
	}
	if version == "" {
		version = "sha-" + sum[:12]
	}
	prov, err := readProvenance(path, format, st.IsDir(), binary)
	if err != nil {
		return Artifact{}, fmt.Errorf("artifact %s: %w", path, err)
	}
	return Artifact{Path: path, SHA256: sum, Size: n, Version: version, Provenance: prov, Format: format, dir: st.IsDir()}, nil
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
