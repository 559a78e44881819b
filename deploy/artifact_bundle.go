package deploy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fleetdeploy/fleet/bundle"
	"github.com/fleetdeploy/fleet/provenance"
)

// maxBinaryRead bounds the binary copied out of an archive to read its
// build info.
const maxBinaryRead = 1 << 30

// digest is the sha256 and size of what goes to the hosts: the file, or
// a directory's deterministic tar (bundle.Pack), never stored.
func digest(path string, dir bool) (string, int64, error) {
	h := sha256.New()
	cw := &countingWriter{w: h}
	if dir {
		if err := bundle.Pack(cw, path); err != nil {
			return "", 0, err
		}
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", 0, err
		}
		defer f.Close()
		if _, err := io.Copy(cw, f); err != nil {
			return "", 0, err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), cw.n, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// open is the stream that goes to every host: the file, or a directory
// packed again while it is sent (the same bytes as digest's unless the
// directory changed meanwhile, which the agent's checksum then catches).
func (a Artifact) open() (io.ReadCloser, error) {
	if !a.dir {
		return os.Open(a.Path)
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(bundle.Pack(pw, a.Path)) }()
	return pr, nil
}

// readProvenance reads the Go build info of a binary, or of app.binary
// inside a bundle (binary "" when unknown: the bundle is described, not
// read).
func readProvenance(path string, f bundle.Format, dir bool, binary string) (provenance.Provenance, error) {
	switch {
	case f == bundle.Binary:
		return provenance.Read(path)
	case binary == "":
		return provenance.Provenance{NoBuildInfo: "a bundle (" + string(f) + "); its binary was not read"}, nil
	case dir:
		p := filepath.Join(path, binary)
		if fi, err := os.Lstat(p); err != nil || !fi.Mode().IsRegular() {
			return provenance.Provenance{}, fmt.Errorf("the bundle has no file %s (app.binary) at its top", binary)
		}
		return provenance.Read(p)
	}
	return archiveProvenance(path, f, binary)
}

// archiveProvenance copies app.binary out of the archive into a
// temporary file and reads its build info there.
func archiveProvenance(path string, f bundle.Format, binary string) (provenance.Provenance, error) {
	in, err := os.Open(path)
	if err != nil {
		return provenance.Provenance{}, err
	}
	defer in.Close()
	r, err := bundle.Decompress(in, f)
	if err != nil {
		return provenance.Provenance{}, err
	}
	defer r.Close()
	tmp, err := os.CreateTemp("", "fleet-binary-*")
	if err != nil {
		return provenance.Provenance{}, err
	}
	defer func() { _ = tmp.Close(); _ = os.Remove(tmp.Name()) }()
	found, err := bundle.ReadFile(r, binary, tmp, maxBinaryRead)
	switch {
	case err != nil:
		return provenance.Provenance{}, err
	case !found:
		return provenance.Provenance{}, fmt.Errorf("the bundle has no file %s (app.binary) at its top", binary)
	}
	return provenance.Read(tmp.Name())
}
