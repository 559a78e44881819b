//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// The lab's deploy user (lab.sh add_deploy_user) logs in with the lab key
// and has one sudo rule, the one README recommends: its own fleet agent,
// by absolute path, as root. fleet must roll out and back through it, leave
// the same root-owned files a root login leaves, and refuse clearly, before
// anything changes, where sudo or the user's rights fall short.
func TestSudo_NonRootUserRollsOutAndBack(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	for _, h := range l.names {
		l.ssh(t, h, "rm -rf /home/deploy/.fleet") // the agent of an earlier build
	}
	inv := l.writeInventory(t, inventoryOptions{user: "deploy", sudo: true})

	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1")
	if r.code != 0 {
		t.Fatalf("rollout v1 as deploy with sudo: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	l.assertAllOn(t, "v1")
	r = l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
	if r.code != 0 {
		t.Fatalf("rollout v2 as deploy with sudo: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	l.assertAllOn(t, "v2")

	for _, h := range l.names {
		// The agent ran as root; only the upload directory belongs to
		// the SSH user, and the agent binary sits in that user's home.
		want := map[string]string{
			"/opt/hello/.incoming":            "deploy:deploy 700",
			"/opt/hello/.fleet":               "root:root 700",
			"/opt/hello/.fleet/state.json":    "root:root",
			"/opt/hello/releases/v2":          "root:root",
			"/opt/hello/releases/v2/hello":    "root:root",
			"/home/deploy/.fleet/bin":         "deploy:deploy",
			"/opt/hello/.fleet/journal.jsonl": "root:root",
		}
		for path, w := range want {
			format := "%U:%G"
			if strings.Count(w, " ") == 1 {
				format = "%U:%G %a"
			}
			if got := strings.TrimSpace(l.ssh(t, h, "stat -c '"+format+"' "+path)); got != w {
				t.Errorf("%s: %s is %q, want %q", h, path, got, w)
			}
		}
		if out := l.ssh(t, h, "ls /home/deploy/.fleet/bin | grep -c '^fleet-[0-9a-f]\\{64\\}$' || true"); strings.TrimSpace(out) != "1" {
			t.Errorf("%s: /home/deploy/.fleet/bin holds %s agent binaries, want 1", h, strings.TrimSpace(out))
		}
	}

	t.Run("fleet rollback through sudo returns to v1 without uploading", func(t *testing.T) {
		l.rollbackWithoutUpload(t, inv, "v1")
	})

	t.Run("without the sudo rule the host is refused and nothing changes", func(t *testing.T) {
		h := l.names[0]
		l.ssh(t, h, "mv /etc/sudoers.d/fleet /root/sudoers-fleet")
		t.Cleanup(func() { l.ssh(t, h, "mv /root/sudoers-fleet /etc/sudoers.d/fleet") })
		pids := l.pids(t)
		r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v3"], "--version", "v3")
		if r.code != 3 {
			t.Fatalf("exit %d, want 3 (nothing changed)\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		if !strings.Contains(r.stderr, h) || !strings.Contains(r.stderr, "sudo") {
			t.Errorf("the refusal should name %s and sudo's answer:\n%s", h, r.stderr)
		}
		if got := l.pids(t); strings.Join(got, ",") != strings.Join(pids, ",") {
			t.Errorf("main PIDs changed %v → %v", pids, got)
		}
		l.assertAllOn(t, "v1")
	})

	t.Run("the same user without sudo is refused and nothing changes", func(t *testing.T) {
		noSudo := l.writeInventory(t, inventoryOptions{user: "deploy"})
		pids := l.pids(t)
		r := l.fleet(t, "rollout", "-i", noSudo, "-o", "json", "--artifact", l.hello["v3"], "--version", "v3")
		if r.code != 3 {
			t.Fatalf("exit %d, want 3 (nothing changed)\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		for _, h := range l.names {
			if !strings.Contains(r.stderr, h) {
				t.Errorf("the refusal does not name %s:\n%s", h, r.stderr)
			}
		}
		if !strings.Contains(r.stderr, "runs as deploy, not root") || !strings.Contains(r.stderr, "ssh.sudo: true") {
			t.Errorf("the refusal does not say the agent ran as deploy or what to set:\n%s", r.stderr)
		}
		if got := l.pids(t); strings.Join(got, ",") != strings.Join(pids, ",") {
			t.Errorf("main PIDs changed %v → %v", pids, got)
		}
		l.assertAllOn(t, "v1")
		for _, h := range l.names {
			if out := l.ssh(t, h, "ls /opt/hello/releases"); strings.Contains(out, "v3") {
				t.Errorf("%s: a v3 release appeared: %s", h, out)
			}
		}
	})
}
