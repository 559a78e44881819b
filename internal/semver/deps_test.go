package semver_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// TestDeps: semver is pure and imports only the standard library.
func TestDeps(t *testing.T) {
	depstest.StandardLibraryOnly(t, "internal/semver", []string{"os", "os/exec", "net", "log/slog"}, nil)
}
