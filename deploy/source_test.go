package deploy

import "testing"

// TestIsAnsible: a YAML mapping of groups (or an INI file not named
// *.yaml) is an Ansible inventory; anything else is a fleet.yaml.
func TestIsAnsible(t *testing.T) {
	for _, tc := range []struct {
		file, data string
		want       bool
	}{
		{"fleet.yaml", "app:\n  name: x\ngroups: []\n", false},
		{"fleet.yaml", "app: [broken\n", false},
		{"fleet.yaml", "", false},
		{"hosts", "[web]\nweb1\n", true},
		{"hosts", "web1 ansible_host=10.0.0.1\n", true},
		{"hosts.yml", "all:\n  children:\n    web:\n      hosts:\n        web1:\n", true},
		{"hosts.yml", "web:\n  hosts: {web1: }\napp:\n  vars: {a: 1}\n", true},
		{"inventory.yml", "app:\n  hosts: {a: }\n  units: [x]\n", false},
	} {
		if got := isAnsible(tc.file, []byte(tc.data)); got != tc.want {
			t.Errorf("isAnsible(%s, %q) = %v", tc.file, tc.data, got)
		}
	}
}
