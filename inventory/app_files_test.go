package inventory

import (
	"slices"
	"testing"

	"github.com/fleetdeploy/fleet/appspec"
)

func TestParse_SharedAndEnvFile(t *testing.T) {
	inv, err := Parse("fleet.yaml", []byte("app: {name: hello, "+checkOK+
		", shared: [config/secrets.env, var/uploads/, .env], env_file: config/secrets.env, max_unpacked_mib: 64}\n"+hostsOK))
	if err != nil {
		t.Fatal(err)
	}
	if want := appspec.SharedEntries("config/secrets.env", "var/uploads/", ".env"); !slices.Equal(inv.App.Shared, want) {
		t.Errorf("shared = %q, want %q", inv.App.Shared, want)
	}
	if inv.App.EnvFile != "config/secrets.env" || inv.App.UnpackLimit() != 64<<20 {
		t.Errorf("env_file = %q, unpack limit %d", inv.App.EnvFile, inv.App.UnpackLimit())
	}
	if err := inv.App.Validate(); err != nil {
		t.Errorf("the agent's rules refuse what the inventory accepted: %v", err)
	}
}

func TestParse_SharedAndEnvFileErrors(t *testing.T) {
	const app = "app: {name: hello, " + checkOK + ", "
	runErrorCases(t, []errorCase{
		{"absolute", app + "shared: [/etc/x]}\n" + hostsOK, "fleet.yaml:1:83: app.shared[0]: must be relative to the release, not absolute"},
		{"dotdot", app + "shared: [a/../../x]}\n" + hostsOK, `fleet.yaml:1:83: app.shared[0]: must not contain ".."`},
		{"unclean", app + "shared: [a//b]}\n" + hostsOK, "fleet.yaml:1:83: app.shared[0]: must be a clean path"},
		{"space", app + "shared: ['a b']}\n" + hostsOK, "fleet.yaml:1:83: app.shared[0]: must not contain ' '"},
		{"release.json", app + "shared: [release.json]}\n" + hostsOK, "fleet.yaml:1:83: app.shared[0]: must not be release.json"},
		{"the binary", app + "shared: [hello]}\n" + hostsOK, "fleet.yaml:1:83: app.shared[0]: hello is the binary"},
		{"nested", app + "shared: [var/, var/uploads/]}\n" + hostsOK, "fleet.yaml:1:89: app.shared[1]: var/ and var/uploads/ overlap"},
		{"not a list", app + "shared: var}\n" + hostsOK, "app.shared"},
		{"env_file a directory", app + "env_file: config/}\n" + hostsOK, "fleet.yaml:1:84: app.env_file: must name a file, not a directory"},
		{"max_unpacked_mib 0", app + "max_unpacked_mib: 0}\n" + hostsOK, "fleet.yaml:1:92: app.max_unpacked_mib: must be at least 1 (MiB); leave it out for the default, 1024"},
		{"max_unpacked_mib huge", app + "max_unpacked_mib: 2000000}\n" + hostsOK, "app.max_unpacked_mib: must be between 1 and 1048576 (MiB), got 2000000"},
		{"max_unpacked_mib text", app + "max_unpacked_mib: 1GiB}\n" + hostsOK, "app.max_unpacked_mib: must be an integer"},
		{"env_file a shared directory", app + "shared: [conf/], env_file: conf}\n" + hostsOK, "app.env_file: is the shared directory conf/; name a file"},
	})
}

// An app.shared entry may be a mapping with the owner, group and mode
// the agent creates the path with; a plain path keeps the defaults.
func TestParse_SharedOwnerAndMode(t *testing.T) {
	src := "app:\n  name: hello\n  " + checkOK + "\n" +
		"  shared:\n" +
		"    - config/secrets.env\n" +
		"    - {path: var/uploads/, owner: hello, group: www-data, mode: \"0750\"}\n" +
		"    - path: .env\n      owner: svc_hello\n      mode: 0600\n" +
		"  env_file: .env\n" + hostsOK
	inv, err := Parse("fleet.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []appspec.SharedEntry{
		{Path: "config/secrets.env"},
		{Path: "var/uploads/", Owner: "hello", Group: "www-data", Mode: "0750"},
		{Path: ".env", Owner: "svc_hello", Mode: "0600"}, // an unquoted 0600 read as written
	}
	if !slices.Equal(inv.App.Shared, want) {
		t.Errorf("shared = %+v, want %+v", inv.App.Shared, want)
	}
	if err := inv.App.Validate(); err != nil {
		t.Errorf("the agent's rules refuse what the inventory accepted: %v", err)
	}
}

func TestParse_SharedOwnerAndModeErrors(t *testing.T) {
	const app = "app:\n  name: hello\n  " + checkOK + "\n  shared:\n"
	runErrorCases(t, []errorCase{
		{"bad owner", app + "    - {path: var/, owner: Hello}\n" + hostsOK, "fleet.yaml:5:27: app.shared[0].owner: must be a user name"},
		{"bad group", app + "    - {path: var/, group: 'a b'}\n" + hostsOK, "fleet.yaml:5:27: app.shared[0].group: must be a group name"},
		{"setuid", app + "    - {path: var/, mode: \"4750\"}\n" + hostsOK, "fleet.yaml:5:26: app.shared[0].mode: must be at most 0777 (no setuid, setgid or sticky bit)"},
		{"not octal", app + "    - {path: var/, mode: 0o750}\n" + hostsOK, "fleet.yaml:5:26: app.shared[0].mode: must be an octal mode such as \"0750\""},
		{"mode a word", app + "    - {path: var/, mode: rwx}\n" + hostsOK, "fleet.yaml:5:26: app.shared[0].mode: must be an octal mode"},
		{"no path", app + "    - {owner: hello}\n" + hostsOK, "fleet.yaml:5:7: app.shared[0].path: is required"},
		{"bad path", app + "    - x\n    - {path: /etc/, owner: hello}\n" + hostsOK, "fleet.yaml:6:14: app.shared[1].path: must be relative to the release, not absolute"},
		{"unknown field", app + "    - {path: var/, user: hello}\n" + hostsOK, "fleet.yaml:5:20: app.shared[0].user: unknown field"},
		{"overlap", app + "    - var/\n    - {path: var/x/, owner: hello}\n" + hostsOK, "fleet.yaml:6:14: app.shared[1]: var/ and var/x/ overlap"},
		{"a list", app + "    - [var/]\n" + hostsOK, "fleet.yaml:5:7: app.shared[0]: must be a path or a mapping {path, owner, group, mode}, got a list"},
		{"env_file a shared directory", app + "    - {path: conf/, mode: \"0700\"}\n  env_file: conf\n" + hostsOK, "app.env_file: is the shared directory conf/; name a file"},
	})
}
