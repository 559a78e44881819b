package render

import (
	"fmt"
	"runtime"
	"time"

	"github.com/fleetdeploy/fleet/provenance"
)

// Stamp is what `fleet version` reports of the binary: set at build time
// (the Makefile's -ldflags -X), or else read from the Go build info.
type Stamp struct {
	Version, Commit, Date string
}

func (s Stamp) String() string {
	return fmt.Sprintf("fleet %s (commit %s, built %s, %s %s/%s)",
		s.Version, s.Commit, s.Date, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// Version is the line `fleet version` prints: s, unless a build without
// ldflags (go build, go install …@latest) left its version "dev"; then
// the Go build info's (StampOf).
func Version(s Stamp) string {
	if p, ok := provenance.Self(); ok && s.Version == "dev" {
		return StampOf(p).String()
	}
	return s.String()
}

// StampOf is the stamp of the Go build info (provenance.Self): the main
// module's version (a tag, or a pseudo-version from go install …@latest
// or a build in the git checkout) and, for a build in the checkout, the
// commit and its time; "(dirty)" marks uncommitted changes.
func StampOf(p provenance.Provenance) Stamp {
	s := Stamp{Version: "dev", Commit: "none", Date: "unknown"}
	if p.Version != "" && p.Version != "(devel)" {
		s.Version = p.Version
	}
	if r := p.Revision(); r != "" {
		s.Commit = r[:min(len(r), 7)]
		if p.Dirty() {
			s.Commit += " (dirty)"
		}
	}
	if !p.VCSTime.IsZero() {
		s.Date = p.VCSTime.Format(time.RFC3339)
	}
	return s
}
