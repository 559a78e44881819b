package agent_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
)

func TestStage_ChecksumMismatchLeavesNothing(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	b, err := s.c.StageBegin(ctx, agent.StageBeginArgs{Version: "2", SHA256: sum("good"), Size: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b.UploadPath, []byte("evil"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = s.c.StageCommit(ctx, agent.StageCommitArgs{Version: "2", SHA256: sum("good"), UploadPath: b.UploadPath})
	wantCode(t, err, agent.CodeChecksumMismatch)
	if got := releaseDirs(t, h.root); len(got) != 0 {
		t.Errorf("releases/ after a checksum mismatch: %v, want empty", got)
	}
	if _, err := os.Stat(b.UploadPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("rejected upload still there: %v", err)
	}
	// The rejected upload path cannot be committed again.
	_, err = s.c.StageCommit(ctx, agent.StageCommitArgs{Version: "2", SHA256: sum("good"), UploadPath: b.UploadPath})
	wantCode(t, err, agent.CodeBadRequest)
}

func TestStage_VersionConflict(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	stage(t, s.c, "1.0", "first build")
	_, err := s.c.StageBegin(context.Background(), agent.StageBeginArgs{Version: "1.0", SHA256: sum("rebuilt"), Size: 7})
	wantCode(t, err, agent.CodeVersionConflict)
}

func TestStage_CommitRaceWithSameVersion(t *testing.T) {
	// Two uploads of one version in flight; the second commit finds the
	// first installed and reports it instead of replacing it.
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	args := agent.StageBeginArgs{Version: "1", SHA256: sum("x"), Size: 1}
	b1, err1 := s.c.StageBegin(ctx, args)
	b2, err2 := s.c.StageBegin(ctx, args)
	if err1 != nil || err2 != nil || b1.UploadPath == b2.UploadPath {
		t.Fatalf("StageBegin twice: %+v %v, %+v %v", b1, err1, b2, err2)
	}
	for _, b := range []agent.StageBeginResult{b1, b2} {
		if err := os.WriteFile(b.UploadPath, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.c.StageCommit(ctx, agent.StageCommitArgs{Version: "1", SHA256: sum("x"), UploadPath: b.UploadPath}); err != nil {
			t.Fatalf("StageCommit %s: %v", b.UploadPath, err)
		}
	}
	if got := releaseDirs(t, h.root); !slices.Equal(got, []string{"1"}) {
		t.Errorf("releases/ = %v", got)
	}
}

func TestStage_RejectsBadNamesAndPaths(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	for _, v := range []string{"../x", "a/b", "..", "-rf", "v1 ;rm", "v$(id)", ".hidden", "a..b", "v\x00"} {
		_, err := s.c.StageBegin(ctx, agent.StageBeginArgs{Version: v, SHA256: sum("x"), Size: 1})
		wantCode(t, err, agent.CodeBadRequest)
	}
	_, err := s.c.StageBegin(ctx, agent.StageBeginArgs{Version: "1", SHA256: "ABC", Size: 1})
	wantCode(t, err, agent.CodeBadRequest)

	b, err := s.c.StageBegin(ctx, agent.StageBeginArgs{Version: "1", SHA256: sum("x"), Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	incoming := filepath.Dir(b.UploadPath)
	bad := []string{
		incoming + "/../releases/1",
		filepath.Join(h.root, "elsewhere.part"),
		incoming + "/./" + filepath.Base(b.UploadPath),
		incoming + "/other.part", // inside .incoming but never issued
		"relative.part",
	}
	for _, p := range bad {
		_, err := s.c.StageCommit(ctx, agent.StageCommitArgs{Version: "1", SHA256: sum("x"), UploadPath: p})
		wantCode(t, err, agent.CodeBadRequest)
	}
	// Issued for version 1, claimed for version 2.
	_, err = s.c.StageCommit(ctx, agent.StageCommitArgs{Version: "2", SHA256: sum("x"), UploadPath: b.UploadPath})
	wantCode(t, err, agent.CodeBadRequest)
}

func TestStage_UploadMustBeAPlainFile(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	plant := map[string]func(path string) error{
		"symlink":  func(p string) error { return os.Symlink(secret, p) },
		"hardlink": func(p string) error { return os.Link(secret, p) },
	}
	for name, mk := range plant {
		b, err := s.c.StageBegin(ctx, agent.StageBeginArgs{Version: "1", SHA256: sum("x"), Size: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := mk(b.UploadPath); err != nil {
			t.Fatal(err)
		}
		_, err = s.c.StageCommit(ctx, agent.StageCommitArgs{Version: "1", SHA256: sum("x"), UploadPath: b.UploadPath})
		if err == nil {
			t.Errorf("%s in .incoming was installed", name)
		}
		if got := releaseDirs(t, h.root); len(got) != 0 {
			t.Errorf("%s: releases/ = %v", name, got)
		}
	}
}

func TestStage_IncomingIsPrivate(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	b, err := s.c.StageBegin(context.Background(), agent.StageBeginArgs{Version: "1", SHA256: sum("x"), Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Dir(b.UploadPath))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf(".incoming mode = %v, want 0700", fi.Mode().Perm())
	}
}

// A staged release whose binary changed on disk is staged again from
// verified bytes, unless it runs: the switch would refuse it on every run
// otherwise. The running one is left to the switch's and status' checks.
func TestStage_DamagedReleaseIsStagedAgainUnlessItRuns(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	h.deploy(t, s.c, "1", true)
	stage(t, s.c, "2", "binary 2")
	damage := func(v string) {
		t.Helper()
		bin := filepath.Join(h.root, "releases", v, testBinary)
		if err := os.Chmod(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, []byte("damaged"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	damage("2")
	stage(t, s.c, "2", "binary 2") // fails unless StageBegin says not present
	if got, err := os.ReadFile(filepath.Join(h.root, "releases", "2", testBinary)); err != nil || string(got) != "binary 2" {
		t.Errorf("releases/2 after staging again: %q, %v", got, err)
	}
	if _, err := s.c.Switch(ctx, agent.SwitchArgs{Version: "2"}); err != nil {
		t.Errorf("switch to the release staged again: %v", err)
	}

	damage("2") // now current: never removed under what runs
	b, err := s.c.StageBegin(ctx, agent.StageBeginArgs{Version: "2", SHA256: sum("binary 2"), Size: 8})
	if err != nil || !b.Present {
		t.Errorf("StageBegin of the running, damaged release: %+v %v, want present (left as it is)", b, err)
	}
	if got, _ := os.ReadFile(filepath.Join(h.root, "releases", "2", testBinary)); string(got) != "damaged" {
		t.Errorf("the running release was replaced: %q", got)
	}
}
