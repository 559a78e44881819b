package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fleetdeploy/fleet/bundle"
	"github.com/fleetdeploy/fleet/provenance"
)

// install copies the upload into a fresh releases/.<v>.tmp-<rand>/ (a
// bundle: beside it, to unpack once it is verified), hashing what it
// writes, links the shared paths in, and renames the directory to
// releases/<v> only when the hash matches and the bundle passed its
// checks. Copying (rather than renaming the upload) means
// the SSH user, who owns .incoming, cannot change the bytes after they
// were verified.
func (s *session) install(ctx context.Context, upload string, p pendingUpload, prov *provenance.Provenance) (err error) {
	ids, err := s.sharedOwners(p.version) // an unknown user refuses before anything lands
	if err != nil {
		return err
	}
	if err := ensureDir(s.layout.releases(), rootDirMode); err != nil {
		return ioError("stage", err)
	}
	tmp := filepath.Join(s.layout.releases(), "."+p.version+tmpInfix+randomSuffix())
	if err := os.Mkdir(tmp, rootDirMode); err != nil {
		return ioError("stage", err)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(tmp) // never leave a rejected artifact behind
		}
	}()
	meta := releaseMeta{
		Version: p.version, SHA256: p.sha256, Size: p.size, StagedAt: s.deps.Now().UTC(),
		StagedBy: s.ctrl.User + "@" + s.ctrl.Machine, Provenance: prov, Format: p.format,
	}
	if p.format == bundle.Binary {
		err = s.installBinary(ctx, upload, p, tmp)
	} else {
		meta.Files, err = s.unpack(ctx, upload, p, tmp)
	}
	if err != nil {
		return err
	}
	if meta.Files, err = s.linkShared(p.version, tmp, meta.Files, ids); err != nil {
		return err
	}
	if err := s.checkEnvFile(p.version, tmp); err != nil {
		return err
	}
	if err := writeJSONAtomic(filepath.Join(tmp, releaseFile), meta, pubFileMode); err != nil {
		return ioError("stage", err)
	}
	if err := os.Rename(tmp, s.layout.release(p.version)); err != nil {
		return ioError("stage", err)
	}
	if err := syncDir(s.layout.releases()); err != nil {
		return ioError("stage", err)
	}
	s.log.Info("release installed", keyVersion, p.version)
	return nil
}

// installBinary copies a bare binary into the release as app.binary.
func (s *session) installBinary(ctx context.Context, upload string, p pendingUpload, tmp string) error {
	sum, n, err := copyUpload(ctx, upload, filepath.Join(tmp, s.spec.Binary), binaryMode)
	if err != nil {
		return err
	}
	return p.verify(sum, n)
}

// verify compares what was copied with what stage_begin was told.
func (p pendingUpload) verify(sum string, n int64) error {
	if sum != p.sha256 {
		return errorf(CodeChecksumMismatch, "stage %s: uploaded file has sha256 %s, want %s (%d bytes)",
			p.version, sum, p.sha256, n)
	}
	if n != p.size {
		return errorf(CodeBadRequest, "stage %s: checksum matches but size is %d, stage_begin said %d",
			p.version, n, p.size)
	}
	return nil
}

// copyUpload copies upload to a new file dst (mode, fsync'd) and returns
// the sha256 and length of the bytes written.
func copyUpload(ctx context.Context, upload, dst string, mode os.FileMode) (string, int64, error) {
	src, err := openUpload(upload)
	if err != nil {
		return "", 0, errorf(CodeBadRequest, "stage: %w", err)
	}
	defer src.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return "", 0, ioError("stage", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), ctxReader{ctx: ctx, r: src})
	if err == nil {
		err = out.Chmod(mode) // the umask may have narrowed it
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, ioError("stage", fmt.Errorf("copy %s: %w", upload, err))
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// ctxReader stops a long copy when the session ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
