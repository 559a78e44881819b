package provenance_test

import (
	"errors"
	"testing"

	"github.com/fleetdeploy/fleet/provenance"
)

const fullRev = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"

func TestMerge(t *testing.T) {
	goBinary := provenance.Provenance{Module: "github.com/acme/app", GoVersion: "go1.26.8",
		VCS: "git", VCSRevision: fullRev, RevisionFrom: provenance.FromBuildInfo}
	noVCS := provenance.Provenance{Module: "github.com/acme/app", GoVersion: "go1.26.8"}
	script := provenance.Provenance{NoBuildInfo: "a script, not a Go binary"}
	withFlag := func(p provenance.Provenance, rev string) provenance.Provenance {
		p.VCSRevision, p.RevisionFrom = rev, provenance.FromFlag
		return p
	}
	cases := []struct {
		name    string
		p       provenance.Provenance
		flag    string
		want    provenance.Provenance
		wantErr error
	}{
		{"no flag", goBinary, "", goBinary, nil},
		{"no flag, no build info", script, "", script, nil},
		{"flag for a script", script, "1A2B3C4", withFlag(script, "1a2b3c4"), nil},
		{"flag for a Go binary without VCS", noVCS, fullRev, withFlag(noVCS, fullRev), nil},
		{"flag agrees in full", goBinary, fullRev, goBinary, nil},
		{"flag agrees, abbreviated", goBinary, "1a2b3c4", goBinary, nil},
		{"flag agrees, other case", goBinary, "1A2B3C4D", goBinary, nil},
		{"flag disagrees", goBinary, "ffffffff", goBinary, provenance.ErrRevisionConflict},
		{"flag longer and different", goBinary, fullRev[:39] + "c", goBinary, provenance.ErrRevisionConflict},
		{"flag too short", script, "1a2", script, provenance.ErrInvalidRevision},
		{"flag not hex", script, "v1.4.2", script, provenance.ErrInvalidRevision},
		{"flag with an option's dash", script, "-1a2b3c4", script, provenance.ErrInvalidRevision},
		{"flag too long", script, fullRev + fullRev, script, provenance.ErrInvalidRevision},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := provenance.Merge(c.p, provenance.Overrides{Revision: c.flag})
			if !errors.Is(err, c.wantErr) || (err == nil) != (c.wantErr == nil) {
				t.Errorf("Merge error = %v, want %v", err, c.wantErr)
			}
			if got != c.want {
				t.Errorf("Merge = %+v\nwant    %+v", got, c.want)
			}
		})
	}
}

func TestMerge_ConflictSaysBoth(t *testing.T) {
	p := provenance.Provenance{GoVersion: "go1.26.8", VCS: "git", VCSRevision: fullRev}
	_, err := provenance.Merge(p, provenance.Overrides{Revision: "ffffffff"})
	want := "revision conflict: the binary was built from 1a2b3c4d5e6f, the flag says ffffffff; " +
		"drop the flag or build the binary from ffffffff"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}
