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
)

// releaseMeta is releases/<v>/release.json.
type releaseMeta struct {
	Version  string    `json:"version"`
	SHA256   string    `json:"sha256"`
	Size     int64     `json:"size"`
	StagedAt time.Time `json:"staged_at"`
	StagedBy string    `json:"staged_by,omitempty"`
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
