package scaffold_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// forbidden may never be in scaffold's import graph: it renders text and
// reads one file.
var forbidden = []string{"os/exec", "net", "golang.org/x/crypto/ssh", "github.com/pkg/sftp"}

// forbiddenDirect may not be imported by scaffold's own files.
var forbiddenDirect = []string{"os/exec", "net", "net/http", "log", "log/slog"}

// allowed: appspec, itself standard-library only, whose rules check what
// the user typed, and the pure parsers it uses.
var allowed = []string{"github.com/fleetdeploy/fleet/appspec", "net/url", "net/netip"}

// TestDeps_StandardLibraryOnly enforces scaffold's arrows from DESIGN.md;
// its tests may import inventory, the judge of what it renders.
func TestDeps_StandardLibraryOnly(t *testing.T) {
	depstest.StandardLibraryOnlyExcept(t, "scaffold", allowed, forbidden, forbiddenDirect)
}
