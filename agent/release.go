package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/bundle"
	"github.com/fleetdeploy/fleet/provenance"
)

// releaseMeta is releases/<v>/release.json.
type releaseMeta struct {
	Version  string    `json:"version"`
	SHA256   string    `json:"sha256"`
	Size     int64     `json:"size"`
	StagedAt time.Time `json:"staged_at"`
	StagedBy string    `json:"staged_by,omitempty"`
	// Provenance is what the controller read from the artifact (its Go
	// build info, --revision); nil when it sent none.
	Provenance *provenance.Provenance `json:"provenance,omitempty"`
	// Format and Files are a bundle's: how it was packed, and every
	// file, directory and symlink of the release but release.json (the
	// links to shared paths too), which the switch checks again. A bare
	// binary has neither; the switch checks its sha256.
	Format bundle.Format   `json:"format,omitempty"`
	Files  bundle.Manifest `json:"files,omitempty"`
}

// provenance is m's Provenance, the zero one when unknown.
func (m releaseMeta) provenance() provenance.Provenance {
	if m.Provenance == nil {
		return provenance.Provenance{}
	}
	return *m.Provenance
}

// readRelease loads release.json of v; fs.ErrNotExist when v is not
// installed.
func (l layout) readRelease(v string) (releaseMeta, error) {
	var m releaseMeta
	data, err := os.ReadFile(l.releaseMeta(v))
	if err != nil {
		return m, fmt.Errorf("read release %s: %w", v, err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("read release %s: %w", v, err)
	}
	if m.Version != v {
		return m, fmt.Errorf("read release %s: release.json names %q", v, m.Version)
	}
	return m, nil
}

// installed reports whether v has a release directory with release.json.
func (l layout) installed(v string) bool {
	_, err := os.Stat(l.releaseMeta(v))
	return err == nil
}

// listReleases returns installed releases oldest first (by staged_at, then
// version). Entries that are not valid release directories — temporary
// dot-names, foreign files — are skipped, not errors.
func (l layout) listReleases() ([]releaseMeta, error) {
	entries, err := os.ReadDir(l.releases())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	var out []releaseMeta
	for _, e := range entries {
		if !e.IsDir() || ValidateVersion(e.Name()) != nil {
			continue
		}
		m, err := l.readRelease(e.Name())
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list releases: %w", err)
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b releaseMeta) int {
		if c := a.StagedAt.Compare(b.StagedAt); c != 0 {
			return c
		}
		return strings.Compare(a.Version, b.Version)
	})
	return out, nil
}

// releaseRevision is the revision release v was built from and whether
// from a dirty tree, for the journal; "" and false when v is not
// installed or its release.json says nothing.
func (s *session) releaseRevision(v string) (string, bool) {
	m, err := s.layout.readRelease(v)
	if err != nil {
		return "", false
	}
	p := m.provenance()
	return p.Revision(), p.Dirty()
}

// validateProvenance bounds what release.json and Consul get from the
// controller: every text field as free text (appspec.Text), the revision
// within a Consul meta value, RevisionFrom one of provenance's.
func validateProvenance(p *provenance.Provenance) error {
	if p == nil {
		return nil
	}
	for _, f := range []struct{ what, s string }{
		{"provenance module", p.Module}, {"provenance version", p.Version}, {"provenance package", p.Package},
		{"provenance go_version", p.GoVersion}, {"provenance goos", p.GOOS}, {"provenance goarch", p.GOARCH},
		{"provenance vcs", p.VCS}, {"provenance vcs_revision", p.VCSRevision}, {"provenance no_build_info", p.NoBuildInfo},
	} {
		if err := validateFreeText(f.what, f.s); err != nil {
			return err
		}
	}
	if len(p.VCSRevision) > provenance.MaxText {
		return fmt.Errorf("provenance vcs_revision: must be at most %d characters", provenance.MaxText)
	}
	switch p.RevisionFrom {
	case "", provenance.FromBuildInfo, provenance.FromFlag:
		return nil
	}
	return fmt.Errorf("provenance revision_from %.80q: want %s or %s", p.RevisionFrom, provenance.FromBuildInfo, provenance.FromFlag)
}
