package transport_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// TestDeps enforces DESIGN.md's arrows: transport imports nothing from
// fleet, and transporttest imports only transport.
func TestDeps(t *testing.T) {
	depstest.Arrows(t, "transport")
	depstest.Arrows(t, "transport/transporttest", "transport")
}
