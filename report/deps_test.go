package report_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// forbidden may never be in report's import graph: it formats data and
// writes files, and never talks to hosts.
var forbidden = []string{"os/exec", "net", "golang.org/x/crypto/ssh", "github.com/pkg/sftp"}

// forbiddenDirect may not be imported by report's own files: it writes
// files (os) but runs no processes and logs nothing.
var forbiddenDirect = []string{"os/exec", "io/ioutil", "log", "log/slog", "syscall", "net", "net/http"}

// TestDeps_StandardLibraryOnly enforces report's arrows from DESIGN.md.
func TestDeps_StandardLibraryOnly(t *testing.T) {
	depstest.StandardLibraryOnly(t, "report", forbidden, forbiddenDirect)
}
