package agent

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/bundle"
)

// Shared paths live in <root>/shared/ and are created on first use with
// the entry's owner, group and mode (appspec.SharedEntry; by default
// root's, directories 0755, files empty and 0640); the directories
// leading to one are root's 0755. Once a path exists fleet never
// changes, replaces or prunes it: its owner and mode are the operator's,
// and a later change in the inventory does not reach it.
const (
	sharedDir     = "shared"
	sharedDirMode = 0o755
)

// unpack copies the uploaded archive beside tmp (root's, so the SSH user
// cannot change it once verified), checks its sha256 and size before
// anything is unpacked, then unpacks it into tmp with bundle.Extract's
// checks and returns the manifest. The release must hold app.binary, an
// executable file.
func (s *session) unpack(ctx context.Context, upload string, p pendingUpload, tmp string) (bundle.Manifest, error) {
	archive := tmp + ".archive" // a temp name prune sweeps if this session dies
	defer func() { _ = os.Remove(archive) }()
	sum, n, err := copyUpload(ctx, upload, archive, privFileMode)
	if err != nil {
		return nil, err
	}
	if err := p.verify(sum, n); err != nil {
		return nil, err
	}
	f, err := os.Open(archive)
	if err != nil {
		return nil, ioError("stage", err)
	}
	defer f.Close()
	r, err := bundle.Decompress(f, p.format)
	if err != nil {
		return nil, errorf(CodeBadRequest, "stage %s: %s archive: %w", p.version, p.format, err)
	}
	defer r.Close()
	m, err := bundle.Extract(ctx, r, tmp, bundle.Options{Limits: s.unpackLimits(), Reserved: s.reserved()})
	var refused *bundle.RefusedError
	switch {
	case errors.As(err, &refused):
		return nil, errorf(CodeBadRequest, "stage %s: %w; nothing was installed", p.version, err)
	case err != nil:
		return nil, ioError("stage", err)
	}
	if e, ok := m.Find(s.spec.Binary); !ok || e.Kind != bundle.KindFile || e.Mode&0o100 == 0 {
		return nil, errorf(CodeBadRequest, "stage %s: the bundle has no executable file %s (app.binary) at its top; nothing was installed",
			p.version, s.spec.Binary)
	}
	return m, nil
}

// unpackLimits are bundle's defaults with app.max_unpacked_mib.
func (s *session) unpackLimits() bundle.Limits {
	l := bundle.DefaultLimits
	l.MaxBytes = s.spec.UnpackLimit()
	return l
}

// reserved is what no bundle may ship: release.json and the shared paths.
func (s *session) reserved() map[string]string {
	r := map[string]string{releaseFile: "fleet's own record of the release"}
	for _, e := range s.spec.Shared {
		r[e.Name()] = "a shared path (app.shared): it lives in " + filepath.Join(s.layout.root, sharedDir) +
			" and is linked into every release, never shipped in one"
	}
	return r
}

// linkShared creates every shared path on first use (with ids, from
// sharedOwners) and links it into the release at tmp; a bundle's
// manifest (files, nil for a bare binary) gains the links and the
// directories made for them.
func (s *session) linkShared(v, tmp string, files bundle.Manifest, ids map[string]sharedIDs) (bundle.Manifest, error) {
	if len(s.spec.Shared) == 0 {
		return files, nil
	}
	if err := ensureDir(filepath.Join(s.layout.root, sharedDir), sharedDirMode); err != nil {
		return files, ioError("stage", err)
	}
	for _, e := range s.spec.Shared {
		p := e.Path
		if err := s.ensureShared(e, ids[p]); err != nil {
			return files, ioError("stage", err)
		}
		parts := strings.Split(e.Name(), "/")
		for i := 1; i < len(parts); i++ {
			dir := strings.Join(parts[:i], "/")
			made, err := releaseDir(filepath.Join(tmp, filepath.FromSlash(dir)))
			if err != nil {
				return files, errorf(CodeBadRequest, "stage %s: shared path %s: %w", v, p, err)
			}
			if made && files != nil {
				files = files.Add(bundle.Entry{Path: dir, Kind: bundle.KindDir, Mode: rootDirMode})
			}
		}
		name := strings.Join(parts, "/")
		target := strings.Repeat("../", len(parts)+1) + sharedDir + "/" + name
		if err := os.Symlink(target, filepath.Join(tmp, filepath.FromSlash(name))); err != nil {
			return files, errorf(CodeBadRequest, "stage %s: shared path %s: %w", v, p, err)
		}
		if files != nil {
			files = files.Add(bundle.Entry{Path: name, Kind: bundle.KindLink, Target: target})
		}
	}
	return files, nil
}

// releaseDir makes a directory inside a release being staged, unless it
// is one already; a file or symlink there is refused.
func releaseDir(dir string) (made bool, err error) {
	fi, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Mkdir(dir, rootDirMode); err != nil {
			return false, err
		}
		return true, os.Chmod(dir, rootDirMode)
	case err != nil:
		return false, err
	case fi.Mode()&fs.ModeSymlink != 0:
		return false, fmt.Errorf("the release ships %s as a symlink, not a directory", filepath.Base(dir))
	case !fi.IsDir():
		return false, fmt.Errorf("the release ships %s as a file, not a directory", filepath.Base(dir))
	}
	return false, nil
}

// ensureShared creates <root>/shared/<path> if it does not exist, with
// the entry's owner, group and mode; an existing one is left exactly as
// it is. Its parents under shared/ must be real directories: the agent
// (root) never writes through a link someone else may have put there.
// A path whose owner or mode could not be set is removed again, so the
// next staging creates it afresh rather than leave it root's for good.
func (s *session) ensureShared(e appspec.SharedEntry, ids sharedIDs) (err error) {
	parts := strings.Split(e.Name(), "/")
	dir := filepath.Join(s.layout.root, sharedDir)
	for _, part := range parts[:len(parts)-1] {
		dir = filepath.Join(dir, part)
		if err := ensureDir(dir, sharedDirMode); err != nil {
			return err
		}
	}
	full := filepath.Join(dir, parts[len(parts)-1])
	if _, err := os.Lstat(full); !errors.Is(err, fs.ErrNotExist) {
		return err // there already (nil), or unreadable
	}
	perm := os.FileMode(e.Perm())
	if e.IsDir() {
		err = os.Mkdir(full, perm)
	} else {
		var f *os.File
		if f, err = os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm); err == nil {
			err = f.Close()
		}
	}
	if err != nil {
		return err
	}
	if err := chownShared(full, e, ids); err != nil {
		_ = os.Remove(full)
		return fmt.Errorf("shared path %s: %w", e.Path, err)
	}
	return nil
}

// checkEnvFile refuses a release without app.env_file: the unit's
// EnvironmentFile= would fail to start it.
func (s *session) checkEnvFile(v, tmp string) error {
	if s.spec.EnvFile == "" {
		return nil
	}
	fi, err := os.Stat(filepath.Join(tmp, filepath.FromSlash(s.spec.EnvFile)))
	if err == nil && fi.Mode().IsRegular() {
		return nil
	}
	return errorf(CodeBadRequest, "stage %s: app.env_file %s is not a file in the release: ship it in the bundle or list it in app.shared",
		v, s.spec.EnvFile)
}
