package consulcatalog_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// TestDeps enforces DESIGN.md's arrows: consulcatalog imports inventory
// (and through it appspec and analysis) and consul/api's types, nothing else of fleet.
func TestDeps(t *testing.T) {
	depstest.Arrows(t, "inventory/consulcatalog", "inventory", "appspec", "analysis")
}
