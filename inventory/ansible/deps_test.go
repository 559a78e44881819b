package ansible

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps_StdlibAndYAMLOnly: like inventory, this package imports the
// standard library, yaml.v3 and inventory (the shared suggestion rule),
// and through inventory appspec. Its tests may also import inventory, to
// check that Labels agrees with inventory's label rules.
func TestDeps_StdlibAndYAMLOnly(t *testing.T) {
	const module = "github.com/fleetdeploy/fleet/"
	check := func(allowed map[string]bool, args ...string) {
		t.Helper()
		args = append([]string{"list", "-deps"}, args...)
		args = append(args, "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".")
		out, err := exec.Command("go", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		for _, pkg := range strings.Fields(string(out)) {
			// Test variants print as "pkg [pkg.test]" and "pkg.test".
			if strings.HasPrefix(pkg, "[") || allowed[strings.TrimSuffix(pkg, ".test")] || allowed[strings.TrimSuffix(pkg, "_test")] {
				continue
			}
			t.Errorf("inventory/ansible depends on %s (go %s)", pkg, strings.Join(args, " "))
		}
	}
	self := module + "inventory/ansible"
	// inventory for its shared name-suggestion rule (and appspec, which
	// inventory imports), nothing else of fleet.
	allowed := map[string]bool{self: true, "gopkg.in/yaml.v3": true, module + "inventory": true, module + "appspec": true}
	check(allowed)
	check(allowed, "-test")
}
