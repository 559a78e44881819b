package bundle_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// TestDeps: bundle is a leaf; agent and deploy import it.
func TestDeps(t *testing.T) {
	depstest.Arrows(t, "bundle")
}
