package render_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// TestDeps enforces DESIGN.md's arrows: render takes deploy's values (and
// the leaf types they carry: agent's status, history's rollouts, plan's
// plans) and is imported by front ends, never the other way round.
// Arrows counts what deploy imports too.
func TestDeps(t *testing.T) {
	depstest.Arrows(t, "render", "deploy", "agent", "analysis", "appspec", "bundle", "changelog", "history", "inventory", "inventory/ansible",
		"inventory/consulcatalog", "analysis/prometheus", "internal/semver", "plan", "provenance", "report", "transport")
}

// TestDeps_NoCommandLine: flags are defined and parsed only in cmd/fleet;
// another front end reuses render without them.
func TestDeps_NoCommandLine(t *testing.T) {
	depstest.NotImported(t, "render", "github.com/urfave/cli/v2")
}
