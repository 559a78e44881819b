package agent_test

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/provenance"
)

// stageWith uploads content as version v with the controller's
// provenance.
func stageWith(t *testing.T, c *agent.Client, v, content string, p *provenance.Provenance) (agent.Release, error) {
	t.Helper()
	ctx := context.Background()
	b, err := c.StageBegin(ctx, agent.StageBeginArgs{Version: v, SHA256: sum(content), Size: int64(len(content))})
	if err != nil {
		t.Fatalf("StageBegin %s: %v", v, err)
	}
	if err := os.WriteFile(b.UploadPath, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := c.StageCommit(ctx, agent.StageCommitArgs{Version: v, SHA256: sum(content), UploadPath: b.UploadPath, Provenance: p})
	return r.Release, err
}

var dirtyBuild = provenance.Provenance{Module: "example.com/app", Version: "v1.4.2+dirty", GoVersion: "go1.26.8",
	VCS: "git", VCSRevision: "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", VCSTime: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
	VCSModified: true, RevisionFrom: provenance.FromBuildInfo}

// TestProvenance_ReleaseJSONStatusAndMeta: stage_commit's provenance goes
// into release.json, comes back in status, is journalled with stage_commit
// and switch, and register puts revision and dirty into Consul meta next
// to the change note.
func TestProvenance_ReleaseJSONStatusAndMeta(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	s := h.openWithNote(t, "fix the retry storm")
	ctx := context.Background()
	rel, err := stageWith(t, s.c, "1", "binary 1", &dirtyBuild)
	if err != nil {
		t.Fatal(err)
	}
	if rel.Provenance == nil || *rel.Provenance != dirtyBuild {
		t.Errorf("stage_commit release provenance = %+v", rel.Provenance)
	}
	data, err := os.ReadFile(filepath.Join(h.root, "releases", "1", "release.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rj map[string]json.RawMessage
	if err := json.Unmarshal(data, &rj); err != nil {
		t.Fatal(err)
	}
	var got provenance.Provenance
	if err := json.Unmarshal(rj["provenance"], &got); err != nil || got != dirtyBuild {
		t.Errorf("release.json provenance = %s (%v)", rj["provenance"], err)
	}
	h.switchAndGate(t, s.c, "1", true)
	st, err := s.c.Status(ctx)
	if err != nil || len(st.Releases) != 1 || st.Releases[0].Provenance == nil || *st.Releases[0].Provenance != dirtyBuild {
		t.Errorf("status releases = %+v, %v", st.Releases, err)
	}
	if _, err := s.c.Register(ctx, agent.RegisterArgs{}); err != nil {
		t.Fatal(err)
	}
	svc, _ := h.registry.Service("app")
	want := map[string]string{"team": "edge", "version": "1", "sha256": sum("binary 1"), "fleet_rollout": "r1",
		"revision": dirtyBuild.VCSRevision, "dirty": "true", "change_note": "fix the retry storm"}
	if !maps.Equal(svc.Registration.Meta, want) {
		t.Errorf("meta = %v\nwant   %v", svc.Registration.Meta, want)
	}
	j, err := s.c.Journal(ctx, agent.JournalArgs{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range j.Entries {
		if (e.Op == agent.OpStageCommit || e.Op == agent.OpSwitch) && (e.Revision != dirtyBuild.VCSRevision || !e.Dirty) {
			t.Errorf("journal %s: revision %q dirty %v", e.Op, e.Revision, e.Dirty)
		}
	}
}

// TestProvenance_None: a controller that sends none leaves release.json,
// status and meta as before.
func TestProvenance_None(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	s := h.open(t)
	h.deploy(t, s.c, "1", true)
	data, err := os.ReadFile(filepath.Join(h.root, "releases", "1", "release.json"))
	if err != nil || strings.Contains(string(data), "provenance") {
		t.Errorf("release.json = %s, %v", data, err)
	}
	if _, err := s.c.Register(context.Background(), agent.RegisterArgs{}); err != nil {
		t.Fatal(err)
	}
	svc, _ := h.registry.Service("app")
	for _, k := range []string{"revision", "dirty", "change_note"} {
		if _, ok := svc.Registration.Meta[k]; ok {
			t.Errorf("meta %v has %s", svc.Registration.Meta, k)
		}
	}
}

// TestProvenance_Refused: provenance the agent would not store is
// bad_request, and nothing is installed.
func TestProvenance_Refused(t *testing.T) {
	for name, p := range map[string]provenance.Provenance{
		"nul":           {Module: "a\x00b"},
		"long revision": {VCSRevision: strings.Repeat("a", 513)},
		"revision_from": {VCSRevision: "abcd", RevisionFrom: "guess"},
	} {
		h := newHost(t)
		s := h.open(t)
		_, err := stageWith(t, s.c, "1", "binary 1", &p)
		wantCode(t, err, agent.CodeBadRequest)
		if dirs := releaseDirs(t, h.root); len(dirs) != 0 {
			t.Errorf("%s: releases %v after a refused stage", name, dirs)
		}
	}
}
