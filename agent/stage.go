package agent

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/fleetdeploy/fleet/bundle"
)

// stageBegin answers whether the release is already installed, and if not
// hands out a fresh upload path in .incoming.
func (s *session) stageBegin(_ context.Context, a StageBeginArgs) (StageBeginResult, error) {
	if err := validateArtifact(a.Version, a.SHA256); err != nil {
		return StageBeginResult{}, err
	}
	if a.Size <= 0 {
		return StageBeginResult{}, errorf(CodeBadRequest, "stage: size %d: must be > 0", a.Size)
	}
	if err := bundle.Format(a.Format).Validate(); err != nil {
		return StageBeginResult{}, errorf(CodeBadRequest, "stage: %w", err)
	}
	present, err := s.alreadyInstalled(a.Version, a.SHA256)
	if err != nil || present {
		return StageBeginResult{Present: present}, err
	}
	if err := s.ensureIncoming(); err != nil {
		return StageBeginResult{}, ioError("stage", err)
	}
	if err := s.checkSpace(a.Size); err != nil {
		return StageBeginResult{}, err
	}
	path := filepath.Join(s.layout.incoming(), a.Version+"."+randomSuffix()+partSuffix)
	s.pending[path] = pendingUpload{version: a.Version, sha256: a.SHA256, size: a.Size, format: bundle.Format(a.Format)}
	return StageBeginResult{UploadPath: s.prefix.shown(path)}, nil
}

func validateArtifact(version, sum string) error {
	if err := ValidateVersion(version); err != nil {
		return errorf(CodeBadRequest, "stage: %w", err)
	}
	if err := validateSHA256(sum); err != nil {
		return errorf(CodeBadRequest, "stage: %w", err)
	}
	return nil
}

// alreadyInstalled is true when releases/<v> exists with sum, and a
// version_conflict when it exists with another checksum: a version names
// one artifact forever. A release whose files no longer match its
// manifest (a disk error, a hand edit) and that nothing runs is damaged:
// the switch would refuse it on every run, so it is removed here and
// staged again from verified bytes. One that runs is left to its check.
func (s *session) alreadyInstalled(v, sum string) (bool, error) {
	m, err := s.layout.readRelease(v)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, ioError("stage", err)
	}
	if m.SHA256 != sum {
		return false, errorf(CodeVersionConflict,
			"stage: release %s is installed with sha256 %s, not %s", v, m.SHA256, sum)
	}
	damage := s.verifyRelease(v)
	if damage == nil {
		return true, nil
	}
	running, err := s.runs(v)
	if err != nil {
		return false, ioError("stage", err)
	}
	if running || !errors.Is(damage, CodeChecksumMismatch) && !errors.Is(damage, CodeNotFound) {
		return true, nil
	}
	s.log.Warn("release damaged: removed, to be staged again", keyVersion, v, keyError, damage)
	if err := s.removeRelease(v); err != nil {
		return false, ioError("stage", err)
	}
	return false, nil
}

// runs says whether current or a slot's current points at v.
func (s *session) runs(v string) (bool, error) {
	cur, err := s.layout.readCurrent()
	if err != nil || cur == v {
		return cur == v, err
	}
	if s.spec.Slots == nil {
		return false, nil
	}
	for _, sl := range s.spec.Slots.Instances {
		sc, err := s.layout.readSlotCurrent(sl.Name)
		if err != nil || sc == v {
			return sc == v, err
		}
	}
	return false, nil
}

// ensureIncoming makes .incoming a 0700 directory owned by the SSH user, so
// SFTP (running as that user) can write into it and nobody else can.
func (s *session) ensureIncoming() error {
	dir := s.layout.incoming()
	if err := ensureDir(dir, fleetDirMode); err != nil {
		return err
	}
	if err := os.Chmod(dir, fleetDirMode); err != nil {
		return err
	}
	if s.deps.SudoUID >= 0 {
		return os.Lchown(dir, s.deps.SudoUID, s.deps.SudoGID)
	}
	return nil
}

// stageCommit verifies an upload and installs it as releases/<v>.
func (s *session) stageCommit(ctx context.Context, a StageCommitArgs) (StageCommitResult, error) {
	if err := validateArtifact(a.Version, a.SHA256); err != nil {
		return StageCommitResult{}, err
	}
	if err := validateProvenance(a.Provenance); err != nil {
		return StageCommitResult{}, errorf(CodeBadRequest, "stage: %w", err)
	}
	upload, p, err := s.claimUpload(a)
	if err != nil {
		return StageCommitResult{}, err
	}
	// The part file is never needed again: its content is either
	// installed (copied) or rejected.
	defer func() { _ = os.Remove(upload) }()

	present, err := s.alreadyInstalled(a.Version, a.SHA256)
	if err == nil && !present {
		err = s.install(ctx, upload, p, a.Provenance)
	}
	e := JournalEntry{Op: OpStageCommit, Version: a.Version}
	e.Revision, e.Dirty = s.releaseRevision(a.Version)
	s.journal(e, err)
	if err != nil {
		return StageCommitResult{}, err
	}
	m, err := s.layout.readRelease(a.Version)
	if err != nil {
		return StageCommitResult{}, ioError("stage", err)
	}
	st, err := loadState(s.layout.state())
	if err != nil {
		return StageCommitResult{}, ioError("stage", err)
	}
	return StageCommitResult{Release: releaseInfo(m, st)}, nil
}

// claimUpload accepts only a path stage_begin issued in this session for
// this very artifact; that alone rules out traversal, but the shape is
// checked too so a bug elsewhere cannot widen it. It returns where the
// upload lies on this machine (under Deps.RootPrefix).
func (s *session) claimUpload(a StageCommitArgs) (string, pendingUpload, error) {
	given := a.UploadPath
	path := s.prefix.local(given)
	if !filepath.IsAbs(given) || filepath.Clean(given) != given || filepath.Dir(path) != s.layout.incoming() {
		return "", pendingUpload{}, errorf(CodeBadRequest, "stage: upload path %q is not inside %s", given, s.layout.incoming())
	}
	p, ok := s.pending[path]
	if !ok {
		return "", pendingUpload{}, errorf(CodeBadRequest, "stage: upload path %q was not issued by stage_begin in this session", given)
	}
	if p.version != a.Version || p.sha256 != a.SHA256 {
		return "", pendingUpload{}, errorf(CodeBadRequest, "stage: upload path %q was issued for %s/%s", given, p.version, p.sha256)
	}
	delete(s.pending, path)
	return path, p, nil
}

// stageSlack covers release.json and file system overhead on top of the
// artifact itself.
const stageSlack = 1 << 20

// checkSpace refuses an upload that cannot fit, before a byte is sent: SFTP
// reports a full disk only as a generic failure, halfway through. The
// upload lands in .incoming and is then copied under releases/, so both
// file systems (often one) need the room.
func (s *session) checkSpace(size int64) error {
	for _, dir := range []string{s.layout.incoming(), s.layout.root} {
		free, err := freeBytes(dir)
		if err != nil {
			return ioError("stage", err)
		}
		if free < size+stageSlack {
			return errorf(CodeNoSpace, "stage: not enough space in %s: %d bytes free, the release needs %d", dir, free, size+stageSlack)
		}
	}
	return nil
}
