package changelog_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// forbidden may never be in changelog's import graph: it runs git on the
// controller's machine and never talks to hosts.
var forbidden = []string{"net", "golang.org/x/crypto/ssh", "github.com/pkg/sftp"}

// forbiddenDirect may not be imported by changelog's own files: it runs git
// (os/exec) but logs nothing.
var forbiddenDirect = []string{"io/ioutil", "log", "log/slog", "syscall", "net", "net/http"}

// TestDeps_StandardLibraryOnly enforces changelog's arrows: the standard
// library only.
func TestDeps_StandardLibraryOnly(t *testing.T) {
	depstest.StandardLibraryOnly(t, "changelog", forbidden, forbiddenDirect)
}
