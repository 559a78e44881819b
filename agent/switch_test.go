package agent_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
)

func TestSwitch_VerifiesChecksumBeforeSwitching(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	h.deploy(t, s.c, "1", true)
	stage(t, s.c, "2", "binary 2")
	// Someone edits the installed binary behind fleet's back.
	if err := os.WriteFile(filepath.Join(h.root, "releases", "2", testBinary), []byte("tampered"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := s.c.Switch(ctx, agent.SwitchArgs{Version: "2"})
	wantCode(t, err, agent.CodeChecksumMismatch)
	if target, _ := os.Readlink(filepath.Join(h.root, "current")); target != "releases/1" {
		t.Errorf("current -> %q after a refused switch, want releases/1", target)
	}
	_, err = s.c.Switch(ctx, agent.SwitchArgs{Version: "3"})
	wantCode(t, err, agent.CodeNotFound)
	_, err = s.c.Switch(ctx, agent.SwitchArgs{Version: "../1"})
	wantCode(t, err, agent.CodeBadRequest)
}

func TestSwitch_AtomicSymlinkLeavesNoTemp(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	stage(t, s.c, "1", "one")
	stage(t, s.c, "2", "two")
	for _, v := range []string{"1", "2", "1"} {
		if _, err := s.c.Switch(context.Background(), agent.SwitchArgs{Version: v}); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Lstat(filepath.Join(h.root, "current"))
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("current is not a symlink: %v %v", fi, err)
		}
	}
	entries, _ := os.ReadDir(h.root)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{".fleet", ".incoming", "current", "releases"}; !slices.Equal(names, want) {
		t.Errorf("root holds %v, want %v", names, want)
	}
	content, err := os.ReadFile(filepath.Join(h.root, "current", testBinary))
	if err != nil || string(content) != "one" {
		t.Errorf("current/%s = %q, %v", testBinary, content, err)
	}
}

func TestPrevious_IsLastHealthyOtherThanCurrent(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	h.deploy(t, s.c, "1", true)
	h.deploy(t, s.c, "2", true)
	h.deploy(t, s.c, "3", false) // failed its gate

	st, err := s.c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Current != "3" || st.Previous != "2" || st.LastGood != "2" {
		t.Fatalf("after a failed 3: current %q previous %q last_good %q; want 3, 2, 2", st.Current, st.Previous, st.LastGood)
	}

	// Roll back to 2: 3 failed health, so it is never the previous.
	sw, err := s.c.Switch(ctx, agent.SwitchArgs{Version: "2"})
	if err != nil || sw.From != "3" || sw.Previous != "1" {
		t.Fatalf("rollback switch = %+v, %v; want from 3, previous 1", sw, err)
	}
	h.switchAndGate(t, s.c, "2", true)

	// A version that passed once but failed its latest gate is out too.
	h.switchAndGate(t, s.c, "1", false)
	st, _ = s.c.Status(ctx)
	if st.Current != "1" || st.Previous != "2" {
		t.Fatalf("current %q previous %q; want 1, 2", st.Current, st.Previous)
	}
	for _, r := range st.Releases {
		if r.Version == "1" && (!r.HealthyEver || r.LastResult != "unhealthy") {
			t.Errorf("release 1 = %+v, want healthy_ever with last result unhealthy", r)
		}
	}
}

func TestPrune_NeverRemovesProtected(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	h.deploy(t, s.c, "1", true)  // becomes previous
	h.deploy(t, s.c, "2", false) // failed
	h.deploy(t, s.c, "3", false) // failed
	h.deploy(t, s.c, "4", true)  // current, last_good
	stage(t, s.c, "5", "staged, never switched")
	if _, err := s.c.Switch(ctx, agent.SwitchArgs{Version: "4"}); err != nil {
		t.Fatal(err)
	}

	pr, err := s.c.Prune(ctx, agent.PruneArgs{Keep: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pr.Removed, []string{"2", "3"}) {
		t.Errorf("removed %v, want [2 3]", pr.Removed)
	}
	if got := releaseDirs(t, h.root); !slices.Equal(got, []string{"1", "4", "5"}) {
		t.Errorf("releases/ = %v, want 1 (previous), 4 (current, last_good), 5 (newest)", got)
	}
	st, _ := s.c.Status(ctx)
	if st.Current != "4" || st.Previous != "1" || st.LastGood != "4" {
		t.Errorf("after prune: %+v", st)
	}

	_, err = s.c.Prune(ctx, agent.PruneArgs{Keep: -1})
	wantCode(t, err, agent.CodeBadRequest)
}

func TestPrune_SweepsStaleButKeepsPendingUploads(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	stage(t, s.c, "1", "one")
	pending, err := s.c.StageBegin(ctx, agent.StageBeginArgs{Version: "2", SHA256: sum("two"), Size: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pending.UploadPath, []byte("tw"), 0o600); err != nil { // upload in progress
		t.Fatal(err)
	}
	// Leftovers of a session that died mid-stage.
	stale := []string{
		filepath.Join(h.root, "releases", ".3.tmp-DEAD"),
		filepath.Join(h.root, ".incoming", "3.DEAD.part"),
	}
	if err := os.Mkdir(stale[0], 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale[1], []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}

	pr, err := s.c.Prune(ctx, agent.PruneArgs{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pr.Cleaned, []string{"releases/.3.tmp-DEAD", ".incoming/3.DEAD.part"}) {
		t.Errorf("cleaned %v", pr.Cleaned)
	}
	if _, err := os.Stat(pending.UploadPath); err != nil {
		t.Errorf("prune removed an upload being staged: %v", err)
	}
	if err := os.WriteFile(pending.UploadPath, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.StageCommit(ctx, agent.StageCommitArgs{Version: "2", SHA256: sum("two"), UploadPath: pending.UploadPath}); err != nil {
		t.Fatalf("commit after prune: %v", err)
	}
}

func TestSwitch_RejectTakesReleaseOutOfRollbackTargets(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	h.deploy(t, s.c, "1", true)
	h.deploy(t, s.c, "2", true)
	h.deploy(t, s.c, "3", true) // passed its gate, then the fleet rolled back

	sw, err := s.c.Switch(ctx, agent.SwitchArgs{Version: "2", Reject: true})
	if err != nil || sw.From != "3" || sw.Previous != "1" {
		t.Fatalf("revert switch = %+v, %v; want from 3, previous 1 (3 was rejected)", sw, err)
	}
	h.switchAndGate(t, s.c, "2", true)
	// Without Reject the release switched away from stays a target.
	sw, err = s.c.Switch(ctx, agent.SwitchArgs{Version: "1"})
	if err != nil || sw.Previous != "2" {
		t.Fatalf("plain switch = %+v, %v; want previous 2", sw, err)
	}
	h.switchAndGate(t, s.c, "1", true)
	// A rejected release that passes a gate again is a target again.
	h.switchAndGate(t, s.c, "3", true)
	h.switchAndGate(t, s.c, "2", true)
	st, _ := s.c.Status(ctx)
	if st.Current != "2" || st.Previous != "3" {
		t.Fatalf("current %q previous %q; want 2, 3", st.Current, st.Previous)
	}
}

func TestSwitch_UngatedSwitchIsUnverified(t *testing.T) {
	h := newHost(t)
	s := h.open(t)
	ctx := context.Background()
	h.deploy(t, s.c, "1", true)
	h.deploy(t, s.c, "2", true)
	// Back to 1 and the controller dies before the gate: 1 passed here once,
	// but what runs now was never judged, so a re-run must step it again.
	if _, err := s.c.Switch(ctx, agent.SwitchArgs{Version: "1"}); err != nil {
		t.Fatal(err)
	}
	st, _ := s.c.Status(ctx)
	for _, r := range st.Releases {
		if r.Version == "1" && (r.LastResult != "switched" || !r.HealthyEver) {
			t.Errorf("release 1 = %+v; want last result switched, healthy ever", r)
		}
	}
	if st.Previous != "2" {
		t.Errorf("previous %q; want 2", st.Previous)
	}
}
