package ansible_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// TestDeps_StdlibAndYAMLOnly: like inventory, this package imports the
// standard library, yaml.v3 and inventory (its error type, YAML node
// helpers, label rules and "did you mean" rule), and through inventory
// appspec and analysis (the rules of an app spec and of a metric
// analysis, which inventory decodes), nothing else of fleet. Its tests may also import inventory, to
// check that Labels agrees with inventory.Parse.
func TestDeps_StdlibAndYAMLOnly(t *testing.T) {
	depstest.StandardLibraryAnd(t, "inventory/ansible", "go.yaml.in/yaml/v3",
		"github.com/fleetdeploy/fleet/inventory", "github.com/fleetdeploy/fleet/appspec",
		"github.com/fleetdeploy/fleet/analysis")
}
