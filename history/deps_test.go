package history_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// forbidden may never be in history's import graph: it is pure.
var forbidden = []string{"os/exec", "net", "golang.org/x/crypto/ssh", "github.com/pkg/sftp"}

// forbiddenDirect may not be imported by history's own files: no I/O, no
// logging, no clock of its own, no processes.
var forbiddenDirect = []string{"os", "os/exec", "io/ioutil", "log", "log/slog", "syscall", "net", "net/http"}

// TestDeps_StandardLibraryOnly enforces history's arrows from DESIGN.md.
func TestDeps_StandardLibraryOnly(t *testing.T) {
	depstest.StandardLibraryOnly(t, "history", forbidden, forbiddenDirect)
}
