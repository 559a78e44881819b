package inventory

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps_StdlibAndYAMLOnly enforces DESIGN.md's arrows: inventory imports
// the standard library, yaml.v3 and appspec (the rules it shares with the
// agent), nothing else from fleet.
func TestDeps_StdlibAndYAMLOnly(t *testing.T) {
	const self = "github.com/fleetdeploy/fleet/inventory"
	// -test includes what the tests import too; Standard filters stdlib.
	out, err := exec.Command("go", "list", "-deps", "-test",
		"-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		// Test variants print as "pkg [pkg.test]" and "pkg.test".
		if strings.HasPrefix(pkg, "[") {
			continue
		}
		switch pkg {
		case self, self + ".test", "gopkg.in/yaml.v3", "github.com/fleetdeploy/fleet/appspec":
			continue
		}
		t.Errorf("inventory depends on %s; only the standard library, gopkg.in/yaml.v3 and appspec are allowed", pkg)
	}
}
