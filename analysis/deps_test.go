package analysis_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// allowed are the pure parsers text/template brings from net/.
var allowed = []string{"net/url", "net/netip"}

// forbidden may never be in analysis's import graph: it judges numbers a
// Querier hands it; the HTTP client is analysis/prometheus's.
var forbidden = []string{"os/exec", "net", "net/http", "golang.org/x/crypto/ssh", "github.com/pkg/sftp"}

// forbiddenDirect may not be imported by analysis's own files: no I/O,
// no processes, no randomness. Time comes through its Clock.
var forbiddenDirect = []string{"os", "os/exec", "io/ioutil", "log", "math/rand", "math/rand/v2", "crypto/rand",
	"syscall", "net", "net/http"}

// TestDeps_StandardLibraryOnly enforces the arrow DESIGN.md draws for
// analysis: the standard library only, nothing of fleet.
func TestDeps_StandardLibraryOnly(t *testing.T) {
	depstest.StandardLibraryOnlyExcept(t, "analysis", allowed, forbidden, forbiddenDirect)
}
