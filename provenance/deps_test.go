package provenance_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// forbidden may never be in provenance's import graph: it reads a file's
// build info and never runs it, nor anything else, nor talks to hosts.
var forbidden = []string{"os/exec", "net", "golang.org/x/crypto/ssh", "github.com/pkg/sftp"}

// forbiddenDirect may not be imported by provenance's own files: it reads
// files (os) but runs no processes and logs nothing.
var forbiddenDirect = []string{"os/exec", "io/ioutil", "log", "log/slog", "syscall", "net", "net/http"}

// TestDeps_StandardLibraryOnly enforces provenance's arrows: the standard
// library only.
func TestDeps_StandardLibraryOnly(t *testing.T) {
	depstest.StandardLibraryOnly(t, "provenance", forbidden, forbiddenDirect)
}
