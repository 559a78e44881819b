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
