package render

import (
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/deploy"
)

// TestPlain_StageLine: a host step's plain line names the host, the step,
// the versions and the message.
func TestPlain_StageLine(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e := event{Time: at, Kind: deploy.KindHostStep, Host: "web1", Step: "stage", From: "v1", To: "v2", Message: "already present"}
	if got := renderText(e); got != "12:00:00 web1         stage     v1 → v2 already present" {
		t.Errorf("plain line %q", got)
	}
}

// TestPlain_Changelog: a changelog event is its header, then one line per
// commit and how many more there are.
func TestPlain_Changelog(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e := event{Time: at, Kind: deploy.KindChangelog, From: "1a2b", To: "9f8e", State: "forward", Total: 3,
		Message: "1a2b → 9f8e (2 hosts): 3 new commits", Commits: []deploy.EventCommit{
			{Hash: "9f8e7d6c5b4a3a2a1a0a9f8e7d6c5b4a3a2a1a0a", Author: "Ada Lovelace", Subject: "fix the retry storm"},
			{Hash: "5e6f7a8b9c0d5e6f7a8b9c0d5e6f7a8b9c0d5e6f", Author: "Grace Hopper", Subject: "add /healthz"},
		}}
	want := "12:00:00 changelog 1a2b → 9f8e (2 hosts): 3 new commits\n" +
		"  9f8e7d6c5b4a Ada Lovelace: fix the retry storm\n" +
		"  5e6f7a8b9c0d Grace Hopper: add /healthz\n" +
		"  … and 1 more"
	if got := renderText(e); got != want {
		t.Errorf("plain changelog\n%s\nwant\n%s", got, want)
	}
}
