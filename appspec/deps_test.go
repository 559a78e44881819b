package appspec_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// allowed are the pure parsers appspec needs from net/: URLs for HTTP
// checks, IP addresses for check and Consul addresses.
var allowed = []string{"net/url", "net/netip"}

// forbidden may never be in appspec's import graph: it holds rules, and
// both the controller and the agent (as root) run them.
var forbidden = []string{"os/exec", "net", "net/http", "golang.org/x/crypto/ssh", "github.com/pkg/sftp"}

// forbiddenDirect may not be imported by appspec's own files: no I/O, no
// logging, no clock, no randomness, no processes. log/slog is not in it:
// Consul.LogValue returns a slog.Value, which keeps the Consul token out
// of every log; appspec builds that value and never logs.
var forbiddenDirect = []string{"os", "os/exec", "io", "io/fs", "io/ioutil", "log", "math/rand",
	"math/rand/v2", "crypto/rand", "syscall", "net", "net/http"}

// TestDeps_StandardLibraryOnly enforces appspec's arrows from DESIGN.md:
// the standard library only, nothing of fleet (inventory and agent both
// import appspec, so appspec can import neither).
func TestDeps_StandardLibraryOnly(t *testing.T) {
	depstest.StandardLibraryOnlyExcept(t, "appspec", allowed, forbidden, forbiddenDirect)
}
