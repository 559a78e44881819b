package provenance

import "strconv"

// Consul's limits on service meta (agent/structs.validateMetaPair in
// Consul 1.22; "Values are limited to 512 characters" in its service
// definition reference): at most 64 pairs, keys of at most 128 characters
// from [A-Za-z0-9_-], values of at most 512. Consul counts bytes (len),
// not characters, so fleet does too. appspec holds the same numbers for
// the inventory's meta; TestMeta_SameLimitsAsAppspec keeps them equal.
const (
	MaxMetaPairs = 64
	MaxMetaKey   = 128
	MaxMetaValue = 512
)

// The service meta keys Meta sets.
const (
	MetaRevision   = "revision"    // the full commit hash
	MetaDirty      = "dirty"       // "true" or "false"
	MetaChangeNote = "change_note" // why this release shipped
)

// Meta returns the Consul service meta entries fleet registers for an
// instance running the artifact p with the change note note. It is pure.
//
//   - MetaRevision: p.Revision(), when known (from build info or a flag).
//   - MetaDirty: "true" or "false", only when the build info says (p.VCS
//     set); a revision from a flag says nothing about the tree.
//   - MetaChangeNote: note, when not empty, cleaned for a one-line value
//     (invalid UTF-8 becomes U+FFFD, control characters such as newlines
//     become spaces, bidirectional controls are dropped) and, if longer
//     than MaxMetaValue bytes, cut at a UTF-8 boundary and ended with "…"
//     so that the value is at most MaxMetaValue bytes.
//
// Every value is at most MaxMetaValue bytes.
func Meta(p Provenance, note string) map[string]string {
	m := make(map[string]string, 3)
	if r := p.Revision(); r != "" {
		m[MetaRevision] = clean(r, MaxMetaValue)
	}
	if p.VCS != "" {
		m[MetaDirty] = strconv.FormatBool(p.Dirty())
	}
	if note != "" {
		m[MetaChangeNote] = clean(note, MaxMetaValue)
	}
	return m
}
