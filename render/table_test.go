package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/changelog"
	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/history"
	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/provenance"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with what the renderers write now")

// golden compares got with testdata/<name>.golden (or writes it with
// -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test ./render -run %s -update rewrites it)\n got:\n%s\nwant:\n%s", path, t.Name(), got, want)
	}
}

var at = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func hostStatuses() []deploy.HostStatus {
	rel := func(v string, day int) agent.Release {
		return agent.Release{Version: v, SHA256: "0123456789abcdef0123", Size: 9, StagedAt: at.AddDate(0, 0, day)}
	}
	built := func(r agent.Release, rev string, dirty bool) agent.Release {
		r.Provenance = &provenance.Provenance{GoVersion: "go1.26.8", VCS: "git", VCSRevision: rev, VCSModified: dirty}
		return r
	}
	return []deploy.HostStatus{
		{Host: "web1", Majority: "v2", Status: &agent.StatusResult{Current: "v2", Previous: "v1", LastGood: "v2",
			Units: []agent.UnitStatus{{Name: "hello.service", ActiveState: "active"}},
			Releases: []agent.Release{built(rel("v1", 0), "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", true),
				built(rel("v2", 1), "0f9e8d7c6b5a49382716", false)}}},
		{Host: "web2", Majority: "v2", Drift: true, Status: &agent.StatusResult{Current: "v1", LastGood: "v1",
			Units: []agent.UnitStatus{{Name: "hello.service", ActiveState: "failed"}},
			Lock:  &agent.Holder{User: "ann", Machine: "laptop", PID: 42, Since: at}, Releases: []agent.Release{rel("v1", 0)}}},
		{Host: "web3", Error: "connect: connection refused\nsecond line"},
	}
}

// TestStatus_Table: a row per host, drift and lock marked, an unreachable
// host's first error line, then the drift and paused sentences.
func TestStatus_Table(t *testing.T) {
	var b bytes.Buffer
	Status(&b, deploy.StatusReport{Hosts: hostStatuses(), Drift: "drift: web2 runs v1",
		// The paused sentence shows local time.
		Paused: &deploy.Paused{Mark: agent.PendingMark{Version: "v2", RolloutID: "r1", Since: time.Date(2026, 3, 1, 12, 0, 0, 0, time.Local), By: "ann@laptop"},
			Hosts: []string{"web1"}, Done: []string{"web1"}}})
	golden(t, "status", b.Bytes())
}

// TestReleases_Table: a row per release per host, with its marks.
func TestReleases_Table(t *testing.T) {
	var b bytes.Buffer
	Releases(&b, hostStatuses())
	golden(t, "releases", b.Bytes())
}

// TestHistory_Table: a row per rollout; one that moved no host says so.
func TestHistory_Table(t *testing.T) {
	started := time.Date(2026, 3, 1, 12, 0, 0, 0, time.Local) // History shows local time
	var b bytes.Buffer
	History(&b, []history.Rollout{
		{ID: "r1", Command: "rollout", User: "ann", Machine: "laptop", Started: started, DurationMS: 61_400,
			From: []string{"v1"}, To: []string{"v2"}, Result: "succeeded", ChangeNote: "fix the retry storm\n(JIRA-12)",
			Revision: "1a2b3c4d5e6f7a8b9c0d", Dirty: true,
			Hosts: []history.Host{{Host: "web1", Result: "changed"}, {Host: "web2", Result: history.HostUnchanged}}},
		{ID: "r2", User: "bob", Machine: "ci", Started: started.Add(time.Hour), Result: "no-change",
			Hosts: []history.Host{{Host: "web1", Result: history.HostUnchanged}}},
	})
	History(&b, nil)
	golden(t, "history", b.Bytes())
}

// TestHistory_NoteCut: on a terminal a long note is cut to NoteWidth
// characters (runes, not bytes); elsewhere it is whole, on one line.
func TestHistory_NoteCut(t *testing.T) {
	long := strings.Repeat("é", 50) + "\x1b[2J\u202e end"
	rs := []history.Rollout{{ID: "r1", ChangeNote: long, Result: "succeeded"}}
	var cut, whole bytes.Buffer
	historyTable(&cut, rs, NoteWidth)
	historyTable(&whole, rs, 0)
	if want := strings.Repeat("é", NoteWidth-1) + "…"; !strings.Contains(cut.String(), want) || strings.Contains(cut.String(), "end") {
		t.Errorf("on a terminal:\n%s\nwant the note cut to %q", cut.String(), want)
	}
	if want := strings.Repeat("é", 50) + " [2J end\n"; !strings.HasSuffix(whole.String(), want) {
		t.Errorf("elsewhere:\n%q\nwant it to end with the whole note %q", whole.String(), want)
	}
}

// TestPlan_Table: the rollout's line, the hosts in plan order (canary
// wave marked, a skipped host without a wave), the sentence; then the
// rollback dry run's.
func TestPlan_Table(t *testing.T) {
	p, err := plan.Compute(plan.KindRollout, []plan.Target{
		{Host: "web1", From: "v1", To: "v2"}, {Host: "web2", To: "v2"}, {Host: "web3", From: "v2", To: "v2"},
	}, plan.Strategy{MaxUnavailable: plan.IntOrPercent{Value: 1}, Canary: plan.IntOrPercent{Value: 1}})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	Plan(&b, deploy.PlanReport{Plan: p, Artifact: deploy.Artifact{Version: "v2", SHA256: "0123456789abcdef0123", Size: 5 << 20,
		Provenance: provenance.Provenance{Module: "example.com/hello", Version: "v1.2.0", GoVersion: "go1.26.8", VCS: "git",
			VCSRevision: "1a2b3c4d5e6f7a8b9c0d", VCSTime: at, VCSModified: true}},
		Uploads: map[string]deploy.HostUpload{"web1": {Bytes: 5 << 20}, "web2": {Conflict: "has v2 with sha256 fedcba"}, "web3": {Present: true}},
		Changelog: []changelog.Log{
			{From: "1a2b3c4d5e6f7a8b", To: "9f8e7d6c5b4a3a2a", FromCommit: "1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d",
				ToCommit: "9f8e7d6c5b4a3a2a1a0a9f8e7d6c5b4a3a2a1a0a", Direction: changelog.Forward, Hosts: 1, More: 3,
				Commits: []changelog.Commit{
					{Hash: "9f8e7d6c5b4a3a2a1a0a9f8e7d6c5b4a3a2a1a0a", Author: "Ada Lovelace", Time: at, Subject: "fix the retry storm"},
					{Hash: "5e6f7a8b9c0d5e6f7a8b9c0d5e6f7a8b9c0d5e6f", Author: "Grace Hopper", Time: at, Subject: "add /healthz"},
				}},
			{From: "", To: "9f8e7d6c5b4a3a2a", Hosts: 1, Reason: "the running release has no known revision (deployed without provenance): no changelog"},
		},
		Estimate: deploy.PlanEstimate{Estimate: plan.Estimate{Rollout: 90 * time.Second, Rollback: 6 * time.Minute, RollbackWaves: 2, RollbackWindow: 1},
			WarnAfter: 5 * time.Minute, Warning: "a full rollback would take at least 6m0s (2 waves, maxUnavailable=1), over strategy.rollback.warn_after 5m0s; strategy.rollback.max_unavailable: 2 would bring it to 3m0s"}})
	b.WriteString("---\n")
	rb, err := plan.Compute(plan.KindRollback, []plan.Target{{Host: "web1", From: "v2", To: "v1"}},
		plan.Strategy{MaxUnavailable: plan.IntOrPercent{Value: 1}})
	if err != nil {
		t.Fatal(err)
	}
	RollbackPlan(&b, deploy.RollbackPlan{Plan: rb, Why: "--to"}, &appspec.Consul{})
	b.WriteString("---\n")
	RollbackPlan(&b, deploy.RollbackPlan{Plan: rb, Why: "undoes rollout r1",
		Provenance: &provenance.Provenance{Module: "example.com/hello", GoVersion: "go1.26.8", VCS: "git", VCSRevision: "1a2b3c4d5e6f7a8b9c0d", VCSTime: at},
		Changelog: []changelog.Log{{From: "9f8e7d6c5b4a3a2a", To: "1a2b3c4d5e6f7a8b", Direction: changelog.Reverse, Hosts: 1,
			Commits: []changelog.Commit{{Hash: "9f8e7d6c5b4a3a2a1a0a9f8e7d6c5b4a3a2a1a0a", Author: "Ada Lovelace", Time: at, Subject: "fix the retry storm"}}}},
	}, nil)
	golden(t, "plan", b.Bytes())
}

// TestPlain_RunEndsInTable: plain lines for a run, then its host_done
// events as the summary table once rollout_done is written.
func TestPlain_RunEndsInTable(t *testing.T) {
	var b bytes.Buffer
	p, err := NewProgress(&b, Plain)
	if err != nil {
		t.Fatal(err)
	}
	code := 1
	for _, e := range []event{
		{Kind: deploy.KindRolloutStarted, Command: "rollout", To: "v2", Hosts: 2, Message: "rollout r1: 2 hosts"},
		{Kind: deploy.KindWaveStarted, Wave: 1, Waves: 2, Hosts: 1, Step: "activate", Message: "web1"},
		{Kind: deploy.KindUploadProgress, Host: "web1", From: "v1", To: "v2", Bytes: 1 << 20, Total: 2 << 20, Rate: 1 << 20},
		{Kind: deploy.KindHostFailed, Host: "web1", From: "v1", To: "v2", State: "failed", DurationMS: 2500, Error: "unhealthy"},
		{Kind: deploy.KindHostDone, Host: "web1", From: "v1", To: "v2", State: "rolled-back", Result: "failed", DurationMS: 2500, Error: "unhealthy\nmore"},
		{Kind: deploy.KindHostDone, Host: "web2", From: "v1", To: "v2", State: "not-started", Result: "not-started"},
		{Kind: deploy.KindRolloutDone, Command: "rollout", To: "v2", State: "failed, rolled back", Result: "rolled-back",
			ExitCode: &code, DurationMS: 3000, Error: "rollout failed\nhost web1: unhealthy"},
	} {
		e.Time = at
		p.Emit(e)
	}
	p.Close()
	golden(t, "plain_run", b.Bytes())
}

// TestPlan_VersionChange: with semantic versions the plan says what kind
// of change the rollout is, and names the hosts a downgrade takes back.
func TestPlan_VersionChange(t *testing.T) {
	for _, c := range []struct{ from, to, want string }{
		{"v1.2.3", "v1.3.0", "Version change: minor\n"},
		{"1.2.3", "2.0.0", "Version change: major\n"},
		{"v1.3.0", "v1.2.9", "Version change: DOWNGRADE on web1 (v1.3.0); fleet rollout asks on a terminal, elsewhere it needs --allow-downgrade\n"},
		{"v1", "v2", ""},
	} {
		p, err := plan.Compute(plan.KindRollout, []plan.Target{{Host: "web1", From: c.from, To: c.to}},
			plan.Strategy{MaxUnavailable: plan.IntOrPercent{Value: 1}})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		Plan(&b, deploy.PlanReport{Plan: p, Artifact: deploy.Artifact{Version: c.to, SHA256: "0123456789abcdef0123"}})
		var got string
		for _, line := range strings.SplitAfter(b.String(), "\n") {
			if strings.HasPrefix(line, "Version change:") {
				got += line
			}
		}
		if got != c.want {
			t.Errorf("%s → %s: %q, want %q", c.from, c.to, got, c.want)
		}
	}
}
