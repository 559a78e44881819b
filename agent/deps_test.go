package agent

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps enforces DESIGN.md's arrows: agent (and its fakes, apart from
// agent itself) import nothing else from this module but appspec, the
// rules it shares with inventory.
func TestDeps(t *testing.T) {
	const module = "github.com/fleetdeploy/fleet/"
	allowed := map[string]map[string]bool{
		module + "agent":           {module + "agent": true, module + "appspec": true},
		module + "agent/agenttest": {module + "agent": true, module + "agent/agenttest": true, module + "appspec": true},
	}
	for pkg, ok := range allowed {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, module) && !ok[dep] {
				t.Errorf("%s imports %s; leaf packages must not import the rest of fleet", pkg, dep)
			}
		}
	}
}
