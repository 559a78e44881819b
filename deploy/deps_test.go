package deploy_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// TestDeps enforces DESIGN.md's arrows: deploy ties the leaf packages and
// the inventory sources together and is imported by cmd/fleet, never the
// other way round (no cmd/, no hostsim or fakes outside its tests).
// Arrows counts what the leaves import too: analysis comes in through
// inventory.
func TestDeps(t *testing.T) {
	depstest.Arrows(t, "deploy", "agent", "analysis", "appspec", "bundle", "changelog", "history", "inventory", "inventory/ansible",
		"inventory/consulcatalog", "analysis/prometheus", "internal/semver", "plan", "provenance", "report", "transport")
}

// TestDeps_NoCommandLine: flags are defined and parsed only in cmd/fleet.
func TestDeps_NoCommandLine(t *testing.T) {
	depstest.NotImported(t, "deploy", "github.com/urfave/cli/v2")
}
