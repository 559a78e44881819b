package provenance_test

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/provenance"
)

func TestRead_CleanGoBinary(t *testing.T) {
	f := built(t)
	p, err := provenance.Read(f.clean)
	if err != nil {
		t.Fatal(err)
	}
	want := provenance.Provenance{
		Module:       fixtureModule,
		Version:      fixtureTag,
		Package:      fixtureModule,
		GoVersion:    p.GoVersion, // checked below
		GOOS:         p.GOOS,
		GOARCH:       p.GOARCH,
		VCS:          "git",
		VCSRevision:  f.revision,
		VCSTime:      time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
		RevisionFrom: provenance.FromBuildInfo,
	}
	if p != want {
		t.Errorf("Read = %+v\nwant   %+v", p, want)
	}
	if !strings.HasPrefix(p.GoVersion, "go1.") || p.GOOS == "" || p.GOARCH == "" {
		t.Errorf("GoVersion, GOOS, GOARCH = %q, %q, %q", p.GoVersion, p.GOOS, p.GOARCH)
	}
	if !p.HasBuildInfo() || p.Dirty() || p.Revision() != f.revision {
		t.Errorf("HasBuildInfo, Dirty, Revision = %v, %v, %q", p.HasBuildInfo(), p.Dirty(), p.Revision())
	}
	wantString := fixtureModule + "@" + fixtureTag + " rev " + f.revision[:12] + " " + fixtureTime + " " + p.GoVersion
	if got := p.String(); got != wantString {
		t.Errorf("String = %q\nwant     %q", got, wantString)
	}
}

func TestRead_DirtyGoBinary(t *testing.T) {
	f := built(t)
	p, err := provenance.Read(f.dirty)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Dirty() || p.Revision() != f.revision || p.VCS != "git" {
		t.Errorf("Read = %+v, want dirty at %s", p, f.revision)
	}
	if p.Version != fixtureTag+"+dirty" {
		t.Errorf("Version = %q, want %q (Go marks a dirty tree's version)", p.Version, fixtureTag+"+dirty")
	}
	if s := p.String(); !strings.Contains(s, " rev "+f.revision[:12]+" (dirty) "+fixtureTime) {
		t.Errorf("String = %q, want the revision marked (dirty)", s)
	}
}

// The test binary is a Go binary without VCS information (go test does not
// stamp it): build info, no revision.
func TestRead_GoBinaryWithoutVCS(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	p, err := provenance.Read(self)
	if err != nil {
		t.Fatal(err)
	}
	if !p.HasBuildInfo() || p.NoBuildInfo != "" || p.Revision() != "" || p.VCS != "" {
		t.Errorf("Read(test binary) = %+v, want build info without VCS", p)
	}
}

func TestRead_NotAGoBinary(t *testing.T) {
	dir := t.TempDir()
	var tarball bytes.Buffer
	tw := tar.NewWriter(&tarball)
	if err := tw.WriteHeader(&tar.Header{Name: "app", Mode: 0o755, Size: 2}); err != nil {
		t.Fatal(err)
	}
	tw.Write([]byte("hi"))
	tw.Close()
	cases := []struct {
		name, body, reason string
	}{
		{"script", "#!/bin/sh\nexec app\n", "a script, not a Go binary"},
		{"tarball", tarball.String(), "a tar archive, not a Go binary"},
		{"gzip", "\x1f\x8b\x08\x00rest", "a gzip file, not a Go binary"},
		{"empty", "", "an empty file, not a Go binary"},
		{"text", "hello, world\n", "a file without Go build info (unrecognized file format)"},
		{"short", "x", "a file without Go build info (unrecognized file format)"},
		{"broken-elf", "\x7fELF\x02\x01\x01\x00garbage garbage garbage", "an ELF executable without Go build info (unrecognized file format)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name)
			if err := os.WriteFile(path, []byte(c.body), 0o755); err != nil {
				t.Fatal(err)
			}
			p, err := provenance.Read(path)
			if err != nil {
				t.Fatalf("Read: %v, want no error", err)
			}
			if p.NoBuildInfo != c.reason || p.HasBuildInfo() || p.Revision() != "" {
				t.Errorf("Read = %+v, want NoBuildInfo %q", p, c.reason)
			}
			if got, want := p.String(), "no build info: "+c.reason; got != want {
				t.Errorf("String = %q, want %q", got, want)
			}
		})
	}
}

// git itself is an ELF executable that is not a Go binary.
func TestRead_NonGoExecutable(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not found")
	}
	p, err := provenance.Read(git)
	if err != nil {
		t.Fatal(err)
	}
	if p.HasBuildInfo() || !strings.HasSuffix(p.NoBuildInfo, "without Go build info (not a Go executable)") {
		t.Errorf("Read(%s) = %+v, want an executable without Go build info", git, p)
	}
}

func TestRead_FileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := provenance.Read(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read(missing) error = %v, want fs.ErrNotExist", err)
	}
	if _, err := provenance.Read(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Read(directory) error = %v, want not a regular file", err)
	}
}

func TestProvenance_JSON(t *testing.T) {
	p := provenance.Provenance{
		Module: "github.com/acme/app", Version: "v1.4.2", GoVersion: "go1.26.8",
		VCS: "git", VCSRevision: "1a2b3c4d5e6f7a8b", VCSTime: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
		VCSModified: true, RevisionFrom: provenance.FromBuildInfo,
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"module":"github.com/acme/app","version":"v1.4.2","go_version":"go1.26.8","vcs":"git",` +
		`"vcs_revision":"1a2b3c4d5e6f7a8b","vcs_time":"2026-12-01T10:00:00Z","vcs_modified":true,"revision_from":"build_info"}`
	if string(b) != want {
		t.Errorf("JSON = %s\nwant   %s", b, want)
	}
	var back provenance.Provenance
	if err := json.Unmarshal(b, &back); err != nil || back != p {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	if b, _ := json.Marshal(provenance.Provenance{NoBuildInfo: "a script, not a Go binary"}); string(b) != `{"no_build_info":"a script, not a Go binary"}` {
		t.Errorf("JSON without build info = %s", b)
	}
}

func TestProvenance_String(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		p    provenance.Provenance
		want string
	}{
		{"full", provenance.Provenance{Module: "github.com/acme/app", Version: "v1.4.2", GoVersion: "go1.26.8",
			VCS: "git", VCSRevision: "1a2b3c4d5e6f7a8b9c0d", VCSTime: at, VCSModified: true},
			"github.com/acme/app@v1.4.2 rev 1a2b3c4d5e6f (dirty) 2026-12-01T10:00:00Z go1.26.8"},
		{"flag", provenance.Provenance{NoBuildInfo: "a script, not a Go binary", VCSRevision: "1a2b3c4", RevisionFrom: provenance.FromFlag},
			"rev 1a2b3c4 (from flag) no build info: a script, not a Go binary"},
		{"zero", provenance.Provenance{}, "unknown provenance"},
		{"hostile", provenance.Provenance{Module: "evil\x1b[2J\u202e", GoVersion: "go1\n"}, "evil [2J go1 "},
	}
	for _, c := range cases {
		if got := c.p.String(); got != c.want {
			t.Errorf("%s: String = %q, want %q", c.name, got, c.want)
		}
	}
}

// The test binary has build info: Self reads it.
func TestSelf(t *testing.T) {
	p, ok := provenance.Self()
	if !ok || p.GoVersion == "" || !p.HasBuildInfo() {
		t.Errorf("Self() = %+v, %v: want the test binary's build info", p, ok)
	}
}
