package prometheus_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// TestDeps_Arrows: of fleet, the adapter imports only analysis, whose
// Querier it implements; client_golang stays out of analysis itself.
func TestDeps_Arrows(t *testing.T) {
	depstest.Arrows(t, "analysis/prometheus", "analysis")
}
