package provenance

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels of Merge.
var (
	// ErrInvalidRevision: a revision flag that is not a git commit hash.
	ErrInvalidRevision = errors.New("invalid revision")
	// ErrRevisionConflict: a revision flag that disagrees with the
	// revision in the binary's build info.
	ErrRevisionConflict = errors.New("revision conflict")
)

// Revision lengths Overrides.Revision accepts: git's shortest abbreviation
// to a full SHA-256 object name.
const (
	MinRevision = 4
	MaxRevision = 64
)

// Overrides are what the user says about an artifact on the command line,
// for what its build info cannot say.
type Overrides struct {
	// Revision (--revision) is the git commit the artifact was built
	// from: MinRevision to MaxRevision hexadecimal digits, any case.
	Revision string
}

// Merge applies o to p, the Provenance Read returned.
//
//   - No Revision in o: p unchanged.
//   - No revision in p (a script, a tarball, a Go binary built without VCS
//     stamping): p with o's Revision in lower case, RevisionFrom FromFlag.
//   - Both, agreeing (one is a prefix of the other, ignoring case, as an
//     abbreviated hash is): p unchanged, with its full revision.
//   - Both, disagreeing: an error wrapping ErrRevisionConflict, never an
//     override. Either the binary or the flag is not what the user thinks
//     (a stale --revision in a CI script, the wrong file), and taking
//     either would record a false revision on every host, in Consul and in
//     the changelog; the fix, dropping the flag or building the right
//     binary, is one step.
//
// An invalid Revision is an error wrapping ErrInvalidRevision. On error
// Merge returns p unchanged.
func Merge(p Provenance, o Overrides) (Provenance, error) {
	if o.Revision == "" {
		return p, nil
	}
	flag := strings.ToLower(o.Revision)
	if !isHash(flag) {
		return p, fmt.Errorf("%w: %q is not a git commit hash (%d to %d hexadecimal digits)",
			ErrInvalidRevision, truncate(o.Revision, 80), MinRevision, MaxRevision)
	}
	have := strings.ToLower(p.VCSRevision)
	switch {
	case have == "":
		p.VCSRevision = flag
		p.RevisionFrom = FromFlag
		return p, nil
	case strings.HasPrefix(have, flag) || strings.HasPrefix(flag, have):
		return p, nil
	}
	return p, fmt.Errorf("%w: the binary was built from %s, the flag says %s; drop the flag or build the binary from %s",
		ErrRevisionConflict, short(p.VCSRevision), short(flag), short(flag))
}

// isHash reports whether s is MinRevision to MaxRevision lower-case
// hexadecimal digits.
func isHash(s string) bool {
	if len(s) < MinRevision || len(s) > MaxRevision {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
