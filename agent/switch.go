package agent

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/fleetdeploy/fleet/bundle"
)

// switchOp points current (or a slot's current) at releases/<v>
// atomically, after checking the release's binary against its recorded
// checksum: nothing unverified is ever made current, and current never
// dangles.
func (s *session) switchOp(_ context.Context, a SwitchArgs) (SwitchResult, error) {
	if err := ValidateVersion(a.Version); err != nil {
		return SwitchResult{}, errorf(CodeBadRequest, "switch: %w", err)
	}
	inst, err := s.instance(OpSwitch, a.Slot)
	if err != nil {
		return SwitchResult{}, err
	}
	from, err := s.version(inst)
	if err != nil {
		return SwitchResult{}, ioError("switch", err)
	}
	res, err := s.switchTo(inst, from, a.Version, a.Reject)
	e := JournalEntry{Op: OpSwitch, Slot: a.Slot, From: from, To: a.Version, Version: a.Version}
	e.Revision, e.Dirty = s.releaseRevision(a.Version)
	s.journal(e, err)
	if err != nil {
		return SwitchResult{}, err
	}
	s.log.Info("switched", keyVersion, a.Version, "from", from, keySlot, a.Slot)
	return res, nil
}

func (s *session) switchTo(inst instance, from, v string, reject bool) (SwitchResult, error) {
	if err := s.verifyRelease(v); err != nil {
		return SwitchResult{}, err
	}
	replace := func() error { return s.replaceCurrent(v) }
	if inst.slot != "" {
		replace = func() error { return s.layout.replaceSlotCurrent(inst, v) }
	}
	// The verdicts go first: v is "switched" (not yet judged) until its gate
	// passes, so a controller that dies between this switch and the gate
	// leaves a host that a re-run recognises as unverified and steps again,
	// even if v passed here once before.
	now := s.deps.Now().UTC()
	if _, err := s.updateState(func(st *state) {
		if reject && from != "" && from != v {
			st.record(from, now, resultRejected)
		}
		st.record(v, now, resultSwitched)
	}); err != nil {
		return SwitchResult{}, err
	}
	if err := replace(); err != nil {
		return SwitchResult{}, ioError("switch", err)
	}
	st, err := s.updateState(func(*state) {})
	if err != nil {
		return SwitchResult{}, err
	}
	return SwitchResult{From: from, To: v, Previous: st.Previous}, nil
}

// verifyRelease hashes releases/<v>/<binary> and compares it with
// release.json; a bundle's every file against its manifest.
func (s *session) verifyRelease(v string) error {
	m, err := s.layout.readRelease(v)
	if errors.Is(err, fs.ErrNotExist) {
		return errorf(CodeNotFound, "switch: release %s is not installed", v)
	}
	if err != nil {
		return ioError("switch", err)
	}
	if m.Files != nil {
		return s.verifyBundle(v, m)
	}
	sum, err := hashFile(s.layout.binary(v, s.spec.Binary))
	if errors.Is(err, fs.ErrNotExist) {
		return errorf(CodeNotFound, "switch: release %s has no binary %s", v, s.spec.Binary)
	}
	if err != nil {
		return ioError("switch", err)
	}
	if sum != m.SHA256 {
		return errorf(CodeChecksumMismatch, "switch: release %s binary has sha256 %s, release.json says %s",
			v, sum, m.SHA256)
	}
	return nil
}

// verifyBundle checks releases/<v> against its manifest: every file's
// sha256, size and mode, every directory and symlink, nothing added.
func (s *session) verifyBundle(v string, m releaseMeta) error {
	err := bundle.Verify(s.layout.release(v), m.Files, releaseFile)
	var bad *bundle.MismatchError
	switch {
	case errors.As(err, &bad):
		return errorf(CodeChecksumMismatch, "switch: release %s changed since it was staged: %w", v, err)
	case err != nil:
		return ioError("switch", err)
	}
	return nil
}

// replaceCurrent makes a symlink under a temporary name and renames it over
// current: rename(2) is atomic, so current always points somewhere valid.
func (s *session) replaceCurrent(v string) error {
	tmp := filepath.Join(s.layout.root, currentLink+tmpInfix+randomSuffix())
	if err := os.Symlink(linkTarget(v), tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, s.layout.current()); err != nil {
		_ = os.Remove(tmp) // the rename failed; current is untouched
		return err
	}
	return syncDir(s.layout.root)
}

// updateState loads state.json, applies fn, refreshes the derived fields
// (current from the symlinks, previous from history) and saves it.
func (s *session) updateState(fn func(*state)) (state, error) {
	st, err := loadState(s.layout.state())
	if err != nil {
		return st, ioError("state", err)
	}
	fn(&st)
	cur, err := s.hostCurrent(st)
	if err != nil {
		return st, ioError("state", err)
	}
	st.Current = cur
	st.Previous = st.previous(cur, s.layout.installed)
	if err := saveState(s.layout.state(), st); err != nil {
		return st, ioError("state", err)
	}
	return st, nil
}
