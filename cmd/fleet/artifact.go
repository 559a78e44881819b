package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// artifact is the release binary on the controller. Its checksum is computed
// once per rollout, not once per host.
type artifact struct {
	path    string
	sha256  string
	size    int64
	version string
}

// openArtifact hashes the file at path. An empty version is derived from the
// checksum so that the same bytes always get the same version name.
func openArtifact(path, version string) (artifact, error) {
	f, err := os.Open(path)
	if err != nil {
		return artifact{}, fmt.Errorf("artifact: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return artifact{}, fmt.Errorf("artifact: %w", err)
	}
	if !st.Mode().IsRegular() {
		return artifact{}, fmt.Errorf("artifact %s: not a regular file", path)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return artifact{}, fmt.Errorf("artifact %s: %w", path, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if version == "" {
		version = "sha-" + sum[:12]
	}
	return artifact{path: path, sha256: sum, size: n, version: version}, nil
}
