package deploy

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAgentShellCommand_RunsTheVerifiedAgent runs the start line through a
// real /bin/sh from a home whose name needs quoting, with a stand-in sudo
// that prints the argv it got: under sudo the agent must be named by its
// absolute path (what sudoers rules match), and a binary whose checksum
// does not match must not run at all (exit 97).
func TestAgentShellCommand_RunsTheVerifiedAgent(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home of deploy")
	bin := filepath.Join(t.TempDir(), "bin")
	for _, d := range []string{filepath.Join(home, ".fleet", "bin"), bin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	agent := []byte("#!/bin/sh\necho \"agent $*\"\n")
	sum := sha256.Sum256(agent)
	ra := remoteAgent{path: ".fleet/bin/fleet-" + hex.EncodeToString(sum[:]), sha256: hex.EncodeToString(sum[:])}
	if err := os.WriteFile(filepath.Join(home, ra.path), agent, 0o755); err != nil {
		t.Fatal(err)
	}
	sudo := "#!/bin/sh\nprintf 'sudo'; printf ' [%s]' \"$@\"; echo\n"
	if err := os.WriteFile(filepath.Join(bin, "sudo"), []byte(sudo), 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, cmd string) (string, int) {
		t.Helper()
		c := exec.Command("/bin/sh", "-c", cmd)
		c.Dir = home // sshd starts the command in the login's home
		c.Env = []string{"HOME=" + home, "PATH=" + bin + ":/usr/bin:/bin"}
		out, err := c.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out)), code
	}

	tests := []struct {
		name string
		sudo bool
		want string
	}{
		{"as the login user", false, "agent agent serve"},
		{"under sudo, by absolute path", true,
			"sudo [-n] [--] [" + filepath.Join(home, ra.path) + "] [agent] [serve]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := run(t, agentShellCommand(ra, tt.sudo))
			if code != 0 || out != tt.want {
				t.Errorf("exit %d, output %q; want exit 0, %q", code, out, tt.want)
			}
		})
	}

	t.Run("a changed binary does not run, with or without sudo", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(home, ra.path), []byte("#!/bin/sh\necho changed\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, sudo := range []bool{false, true} {
			out, code := run(t, agentShellCommand(ra, sudo))
			if code != 97 || strings.Contains(out, "changed") || strings.Contains(out, "sudo") {
				t.Errorf("sudo=%v: exit %d, output %q; want exit 97 and nothing run", sudo, code, out)
			}
		}
	})
}
