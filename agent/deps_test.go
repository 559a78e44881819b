package agent_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// TestDeps enforces DESIGN.md's arrows: agent (and its fakes, apart from
// agent itself) import nothing else from this module but appspec, the
// rules it shares with inventory, and provenance, what a release binary
// is (release.json, Consul meta).
func TestDeps(t *testing.T) {
	depstest.Arrows(t, "agent", "appspec", "bundle", "provenance")
	depstest.Arrows(t, "agent/agenttest", "agent", "appspec", "bundle", "provenance")
}
