package inventory

import (
	"slices"
	"testing"
)

func TestParse_SharedAndEnvFile(t *testing.T) {
	inv, err := Parse("fleet.yaml", []byte("app: {name: hello, "+checkOK+
		", shared: [config/secrets.env, var/uploads/, .env], env_file: config/secrets.env, max_unpacked_mib: 64}\n"+hostsOK))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"config/secrets.env", "var/uploads/", ".env"}; !slices.Equal(inv.App.Shared, want) {
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
