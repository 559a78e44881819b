package provenance

import (
	"strings"
	"time"
)

// Where a Provenance's revision came from (RevisionFrom).
const (
	FromBuildInfo = "build_info" // the vcs.revision Go stamped into the binary
	FromFlag      = "flag"       // Overrides.Revision (--revision), for an artifact without one
)

// ShortRevision is how many characters of a revision String shows.
const ShortRevision = 12

// Provenance is what is known about a release artifact. Fields not known
// are empty; JSON omits them. The names follow `go version -m` (vcs,
// vcs.revision, vcs.time, vcs.modified) in snake_case.
type Provenance struct {
	Module    string `json:"module,omitempty"`     // main module path: github.com/acme/app
	Version   string `json:"version,omitempty"`    // main module version: v1.4.2, a pseudo-version, "(devel)"
	Package   string `json:"package,omitempty"`    // main package path: github.com/acme/app/cmd/app
	GoVersion string `json:"go_version,omitempty"` // go1.26.8; set for every Go binary
	GOOS      string `json:"goos,omitempty"`       // the target the binary was built for
	GOARCH    string `json:"goarch,omitempty"`

	VCS          string    `json:"vcs,omitempty"`          // "git" when Go stamped VCS information
	VCSRevision  string    `json:"vcs_revision,omitempty"` // full commit hash
	VCSTime      time.Time `json:"vcs_time,omitzero"`      // the commit's time, UTC
	VCSModified  bool      `json:"vcs_modified,omitempty"` // built from a tree with uncommitted changes
	RevisionFrom string    `json:"revision_from,omitempty"`

	// NoBuildInfo says why the artifact has no Go build info ("a shell
	// script", "an ELF executable without Go build info: …"); empty for a
	// Go binary.
	NoBuildInfo string `json:"no_build_info,omitempty"`
}

// HasBuildInfo reports whether p was read from a Go binary's build info.
func (p Provenance) HasBuildInfo() bool { return p.GoVersion != "" }

// Revision is the commit the artifact was built from, from its build info
// or from a flag (RevisionFrom says which); "" when unknown.
func (p Provenance) Revision() string { return p.VCSRevision }

// Dirty reports whether the binary was built from a tree with uncommitted
// changes. Only build info can say so: false when unknown (VCS == "").
func (p Provenance) Dirty() bool { return p.VCSModified }

// String is one line for a terminal, for example
//
//	github.com/acme/app@v1.4.2 rev 1a2b3c4d5e6f (dirty) 2026-12-01T10:00:00Z go1.26.8
//
// A revision from a flag reads "rev 1a2b3c4d5e6f (from flag)"; an artifact
// without build info ends with "no build info: <reason>".
func (p Provenance) String() string {
	var parts []string
	if p.Module != "" {
		mod := p.Module
		if p.Version != "" {
			mod += "@" + p.Version
		}
		parts = append(parts, mod)
	}
	if r := p.VCSRevision; r != "" {
		parts = append(parts, "rev "+short(r))
		if p.RevisionFrom == FromFlag {
			parts = append(parts, "(from flag)")
		}
	}
	if p.VCSModified {
		parts = append(parts, "(dirty)")
	}
	if !p.VCSTime.IsZero() {
		parts = append(parts, p.VCSTime.UTC().Format(time.RFC3339))
	}
	if p.GoVersion != "" {
		parts = append(parts, p.GoVersion)
	}
	if p.NoBuildInfo != "" {
		parts = append(parts, "no build info: "+p.NoBuildInfo)
	}
	if len(parts) == 0 {
		return "unknown provenance"
	}
	// Values from Read are clean already; a Provenance decoded from JSON
	// someone else wrote may not be.
	return clean(strings.Join(parts, " "), maxLine)
}

// short is the first ShortRevision characters of a revision.
func short(rev string) string {
	if len(rev) > ShortRevision {
		return rev[:ShortRevision]
	}
	return rev
}
