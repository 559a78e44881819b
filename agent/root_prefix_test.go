package agent_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
)

// prefixedHost is a host whose app root, as the controller writes it,
// lies in a directory that must stay untouched: the agent works under
// h.prefix instead.
func prefixedHost(t *testing.T) *host {
	t.Helper()
	h := newHost(t)
	h.root = filepath.Join(t.TempDir(), "unmapped", "opt", "app")
	h.prefix = filepath.Join(t.TempDir(), "sim1")
	return h
}

// stagePrefixed uploads content as v the way the controller does on a
// prefixed host: to the upload path stage_begin gave, under the prefix
// (as the host's SFTP would put it).
func stagePrefixed(t *testing.T, h *host, c *agent.Client, v, content string) agent.StageBeginResult {
	t.Helper()
	ctx := context.Background()
	b, err := c.StageBegin(ctx, agent.StageBeginArgs{Version: v, SHA256: sum(content), Size: int64(len(content))})
	if err != nil {
		t.Fatalf("StageBegin %s: %v", v, err)
	}
	if err := os.WriteFile(filepath.Join(h.prefix, b.UploadPath), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRootPrefix_FilesUnderPrefixAnswersUnprefixed(t *testing.T) {
	var out syncBuffer
	h := prefixedHost(t)
	h.transcript = &out
	s := h.open(t)
	ctx := context.Background()

	b := stagePrefixed(t, h, s.c, "1", "binary 1")
	if dir := filepath.Join(h.root, ".incoming"); filepath.Dir(b.UploadPath) != dir {
		t.Errorf("upload path %s, want one in %s", b.UploadPath, dir)
	}
	// The path as it lies here is not one the agent handed out.
	_, err := s.c.StageCommit(ctx, agent.StageCommitArgs{
		Version: "1", SHA256: sum("binary 1"), UploadPath: filepath.Join(h.prefix, b.UploadPath),
	})
	wantCode(t, err, agent.CodeBadRequest)
	if _, err := s.c.StageCommit(ctx, agent.StageCommitArgs{Version: "1", SHA256: sum("binary 1"), UploadPath: b.UploadPath}); err != nil {
		t.Fatalf("StageCommit: %v", err)
	}
	h.switchAndGate(t, s.c, "1", true)

	local := filepath.Join(h.prefix, h.root)
	if data, err := os.ReadFile(filepath.Join(local, "releases", "1", testBinary)); err != nil || string(data) != "binary 1" {
		t.Errorf("release binary under the prefix: %q, %v", data, err)
	}
	if target, err := os.Readlink(filepath.Join(local, "current")); err != nil || target != "releases/1" {
		t.Errorf("current under the prefix: %q, %v", target, err)
	}
	for _, f := range []string{"journal.jsonl", "state.json", "lock"} {
		if _, err := os.Stat(filepath.Join(local, ".fleet", f)); err != nil {
			t.Errorf(".fleet/%s under the prefix: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Dir(filepath.Dir(h.root))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the unprefixed root was used: %v", err)
	}

	// A failure that names a path names the unprefixed one, in the answer
	// and in the journal: releases/ replaced by a file makes reading
	// release.json fail.
	b = stagePrefixed(t, h, s.c, "2", "binary 2")
	if err := os.Rename(filepath.Join(local, "releases"), filepath.Join(local, "moved")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(local, "releases"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = s.c.StageCommit(ctx, agent.StageCommitArgs{Version: "2", SHA256: sum("binary 2"), UploadPath: b.UploadPath})
	e := wantCode(t, err, agent.CodeIO)
	wantPath := filepath.Join(h.root, "releases", "2", "release.json")
	if !strings.Contains(e.Message, wantPath) {
		t.Errorf("error %q does not name %s", e.Message, wantPath)
	}
	j, err := s.c.Journal(ctx, agent.JournalArgs{})
	if err != nil {
		t.Fatal(err)
	}
	last := j.Entries[len(j.Entries)-1]
	if last.Op != agent.OpStageCommit || !strings.Contains(last.Error, wantPath) {
		t.Errorf("journal's last entry %+v, want the stage_commit failure naming %s", last, wantPath)
	}
	if strings.Contains(out.String(), h.prefix) {
		t.Errorf("the agent's output names the prefix %s:\n%s", h.prefix, out.String())
	}
}

func TestRootPrefix_MustBeAbsoluteAndClean(t *testing.T) {
	for _, p := range []string{"sim1", "/tmp/sim1/", "/tmp/../sim1"} {
		h := newHost(t)
		h.prefix = p
		err := agent.Serve(context.Background(), strings.NewReader(""), io.Discard, h.deps())
		if err == nil || !strings.Contains(err.Error(), "RootPrefix") {
			t.Errorf("RootPrefix %q: Serve returned %v, want a deps error", p, err)
		}
	}
}
