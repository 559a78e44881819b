package transport_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestDeps enforces DESIGN.md's arrows: transport imports nothing from
// fleet, and transporttest imports only transport.
func TestDeps(t *testing.T) {
	const module = "github.com/fleetdeploy/fleet"
	allowed := map[string][]string{
		module + "/transport":               {module + "/transport"},
		module + "/transport/transporttest": {module + "/transport", module + "/transport/transporttest"},
	}
	for pkg, ok := range allowed {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if (dep == module || strings.HasPrefix(dep, module+"/")) && !slices.Contains(ok, dep) {
				t.Errorf("%s imports %s; DESIGN.md forbids it", pkg, dep)
			}
		}
	}
}
