package inventory_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// TestDeps_StdlibAndYAMLOnly enforces DESIGN.md's arrows: inventory and
// its tests import the standard library, yaml.v3, appspec (the rules it
// shares with the agent) and analysis (the rules of strategy.steps'
// analyses, which analysis.Run applies), nothing else from fleet.
func TestDeps_StdlibAndYAMLOnly(t *testing.T) {
	depstest.StandardLibraryAnd(t, "inventory", "go.yaml.in/yaml/v3", "github.com/fleetdeploy/fleet/appspec",
		"github.com/fleetdeploy/fleet/analysis")
}
