package deploy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// Artifact is the release binary on the controller. Its checksum is
// computed once per rollout, not once per host.
type Artifact struct {
	Path    string
	SHA256  string // hex
	Size    int64
	Version string
}

// OpenArtifact hashes the file at path. An empty version is derived from
// the checksum so that the same bytes always get the same version name.
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
	return Artifact{Path: path, SHA256: sum, Size: n, Version: version}, nil
}
