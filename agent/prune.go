package agent

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// prune removes the oldest releases beyond keep. current, previous,
// last_good, every slot's release and a paused canary's survive whatever
// keep says, so neither a rollback target nor a release an instance runs
// from is pruned away. Temporary entries of dead sessions are swept too.
func (s *session) prune(_ context.Context, a PruneArgs) (PruneResult, error) {
	keep := a.Keep
	if keep == 0 {
		keep = s.spec.Keep
	}
	if keep < 1 {
		return PruneResult{}, errorf(CodeBadRequest, "prune: keep %d: must be >= 1", keep)
	}
	res, err := s.pruneReleases(keep)
	s.journal(JournalEntry{Op: OpPrune, Removed: res.Removed}, err)
	return res, err
}

func (s *session) pruneReleases(keep int) (PruneResult, error) {
	res := PruneResult{Removed: []string{}}
	rels, err := s.layout.listReleases()
	if err != nil {
		return res, ioError("prune", err)
	}
	st, err := loadState(s.layout.state())
	if err != nil {
		return res, ioError("prune", err)
	}
	protected, err := s.protected(st)
	if err != nil {
		return res, ioError("prune", err)
	}
	removed := map[string]bool{}
	for _, v := range pruneVictims(rels, keep, protected, st.failed()) {
		if err := s.removeRelease(v); err != nil {
			return res, ioError("prune", err)
		}
		res.Removed = append(res.Removed, v)
		removed[v] = true
	}
	res.Cleaned = s.sweepStale()
	if len(removed) > 0 {
		if _, err := s.updateState(func(st *state) { st.forget(removed) }); err != nil {
			return res, err
		}
	}
	return res, nil
}

// protected lists the releases prune must keep.
func (s *session) protected(st state) (map[string]bool, error) {
	cur, err := s.hostCurrent(st)
	if err != nil {
		return nil, err
	}
	top, err := s.layout.readCurrent()
	if err != nil {
		return nil, err
	}
	p := map[string]bool{cur: true, top: true, st.previous(cur, s.layout.installed): true, st.LastGood: true}
	if st.Pending != nil {
		p[st.Pending.Version] = true
	}
	if s.spec.Slots != nil {
		for _, sl := range s.spec.Slots.Instances {
			v, err := s.layout.readSlotCurrent(sl.Name)
			if err != nil {
				return nil, err
			}
			p[v] = true
		}
	}
	return p, nil
}

// pruneVictims picks, from releases sorted oldest first, those outside
// the keep newest, minus the protected ones. A release that never passed
// its gate here (state.failed) ranks below every other, whatever its age:
// no rollback will return to it, so it must not push a good one out.
func pruneVictims(rels []releaseMeta, keep int, protected, failed map[string]bool) []string {
	if len(rels) <= keep {
		return nil
	}
	var bad, good []releaseMeta
	for _, m := range rels {
		if failed[m.Version] {
			bad = append(bad, m)
		} else {
			good = append(good, m)
		}
	}
	ranked := append(bad, good...) // oldest first, failed before any good
	kept := map[string]bool{}
	for _, m := range ranked[len(ranked)-keep:] {
		kept[m.Version] = true
	}
	var out []string
	for _, m := range rels {
		if !kept[m.Version] && !protected[m.Version] {
			out = append(out, m.Version)
		}
	}
	return out
}

// removeRelease renames the directory out of the release namespace before
// deleting it, so a crash mid-delete never leaves a half release under
// releases/<v>.
func (s *session) removeRelease(v string) error {
	doomed := filepath.Join(s.layout.releases(), "."+v+deleteInfix+randomSuffix())
	if err := os.Rename(s.layout.release(v), doomed); err != nil {
		return err
	}
	if err := syncDir(s.layout.releases()); err != nil {
		return err
	}
	return os.RemoveAll(doomed)
}

// sweepStale removes what dead sessions left: temp release directories,
// uploads not pending in this session, temp symlinks and state files. The
// lock guarantees no other session is staging. Failures are logged and
// skipped: sweeping is housekeeping, and the next prune retries.
func (s *session) sweepStale() []string {
	isTemp := func(name string) bool {
		return strings.HasPrefix(name, ".") && (strings.Contains(name, tmpInfix) || strings.Contains(name, deleteInfix))
	}
	var cleaned []string
	sweep := func(dir string, stale func(name string) bool) {
		entries, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("sweep", "dir", dir, keyError, err)
		}
		for _, e := range entries {
			path := filepath.Join(dir, e.Name())
			if !stale(e.Name()) {
				continue
			}
			if err := os.RemoveAll(path); err != nil {
				s.log.Warn("sweep", "path", path, keyError, err)
				continue
			}
			rel, _ := filepath.Rel(s.layout.root, path) // path is under root
			cleaned = append(cleaned, rel)
		}
	}
	sweep(s.layout.releases(), isTemp)
	sweep(s.layout.fleet(), isTemp)
	sweep(s.layout.incoming(), func(name string) bool {
		_, pending := s.pending[filepath.Join(s.layout.incoming(), name)]
		return !pending
	})
	isTempLink := func(name string) bool { return strings.HasPrefix(name, currentLink+tmpInfix) }
	sweep(s.layout.root, isTempLink)
	if s.spec.Slots != nil {
		for _, sl := range s.spec.Slots.Instances {
			sweep(s.layout.slot(sl.Name), func(name string) bool { return isTemp(name) || isTempLink(name) })
		}
	}
	return cleaned
}
