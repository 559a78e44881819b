package plan_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// forbidden may never be in plan's import graph, even though some of it
// is standard library: plan is pure and talks to hosts only through Host.
var forbidden = []string{"os/exec", "net", "golang.org/x/crypto/ssh", "github.com/pkg/sftp"}

// forbiddenDirect may not be imported by plan's own files: no I/O, no
// logging (log/slog is fine, for LogValue), no randomness, no processes.
var forbiddenDirect = []string{"os", "os/exec", "io/ioutil", "log", "math/rand", "math/rand/v2", "crypto/rand", "syscall", "net", "net/http"}

// TestDeps_StandardLibraryOnly enforces plan's arrows from DESIGN.md.
func TestDeps_StandardLibraryOnly(t *testing.T) {
	depstest.StandardLibraryOnly(t, "plan", forbidden, forbiddenDirect)
}
