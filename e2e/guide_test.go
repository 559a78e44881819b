//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestGuide_OwnHosts follows docs/own-hosts.md word for word: every block
// marked run:NAME, in order, in one bash per block, with the guide's
// addresses replaced by the lab's (web1.example.com and web2.example.com:
// the first two lab hosts), in a fresh working directory and $HOME with
// a minimal environment (no FLEET_ variable, no ssh-agent, no proxy).
// After the blocks that change something it looks at the hosts
// themselves. What the not-run blocks would leave is put in place first
// (the guide says what, in "How this guide is tested"). One thing is
// shortened, as the guide says: FLEET_MAX_UNAVAILABLE=2 in the
// environment changes both hosts at once, where the file's
// max_unavailable: 1 takes them one after the other (each gate still
// waits the file's min_healthy_time, 5s).
func TestGuide_OwnHosts(t *testing.T) {
	l := theLab
	doc, err := os.ReadFile(filepath.Join(l.repo, "docs", "own-hosts.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := parseGuide(string(doc))
	if err != nil {
		t.Fatalf("docs/own-hosts.md: %v", err)
	}
	wantRuns(t, blocks, "version", "keyscan", "ssh-config", "init", "unit", "check", "rollout-v1", "rollout-v2", "rollback")
	g := l.newGuideEnv(t)
	if out, err := g.shell(t, "fleet check --help"); err != nil {
		t.Fatalf("fleet check is missing, so the guide's step 8 cannot run: %v\n%s", err, out)
	}
	l.assertSudoRuleAsGuided(t, string(doc))
	l.prepareGuideHosts(t)

	start := time.Now()
	for _, b := range blocks {
		if b.run == "" {
			continue
		}
		text := g.addrs.Replace(b.text)
		t0 := time.Now()
		out, err := g.shell(t, text)
		t.Logf("docs/own-hosts.md:%d run:%s (%s):\n%s\n%s", b.line, b.run, time.Since(t0).Round(time.Millisecond), text, out)
		if err != nil {
			t.Fatalf("docs/own-hosts.md:%d run:%s: %v", b.line, b.run, err)
		}
		g.after(t, b.run, out, blocks)
	}
	t.Logf("the guide's commands took %s", time.Since(start).Round(time.Second))
}

// TestGuide_UnmarkedBlockFails: the reader refuses a shell block without
// its mark, and a not-run block the prose does not own up to.
func TestGuide_UnmarkedBlockFails(t *testing.T) {
	for _, doc := range []string{
		"text\n```sh\nfleet rollout\n```\n",
		"text\n```\nfleet rollout\n```\n",
		"text\n```bash run\nfleet rollout\n```\n",
		"text\n```sh not-run\nfleet rollout\n```\n",
		"Not run by the test.\n```sh not-run\nx\n```\n```sh not-run\ny\n```\n",
		"```sh run:a\nx\n",
	} {
		if _, err := parseGuide(doc); err == nil {
			t.Errorf("accepted:\n%s", doc)
		}
	}
	b, err := parseGuide("*Not run by the test.*\n```sh not-run\nx\n```\n```sh run:a\ny\n```\n```yaml file:f.yaml\nz: 1\n```\n")
	if err != nil || len(b) != 3 || b[0].run != "" || b[1].run != "a" || b[1].text != "y\n" || b[2].file != "f.yaml" {
		t.Errorf("%+v, %v", b, err)
	}
}

func wantRuns(t *testing.T, blocks []guideBlock, names ...string) {
	t.Helper()
	var got []string
	for _, b := range blocks {
		if b.run != "" {
			got = append(got, b.run)
		}
	}
	if !slices.Equal(got, names) {
		t.Fatalf("docs/own-hosts.md runs %q, the test checks after %q: change both together", got, names)
	}
}

// guideEnv is where the guide's commands run: a working directory (the
// service's repository), a $HOME, and a PATH with the fleet under test
// and OpenSSH wrappers.
type guideEnv struct {
	l          *lab
	dir, home  string
	env        []string
	addrs      *strings.Replacer
	guideAddrs []string // the lab addresses web1.example.com and web2.example.com stand for
}

func (l *lab) newGuideEnv(t *testing.T) *guideEnv {
	t.Helper()
	root := t.TempDir()
	g := &guideEnv{l: l, dir: filepath.Join(root, "hello"), home: filepath.Join(root, "home"),
		addrs:      strings.NewReplacer("web1.example.com", l.addrs[0], "web2.example.com", l.addrs[1]),
		guideAddrs: l.addrs[:2]}
	bin := filepath.Join(root, "bin")
	for _, d := range []string{g.dir, filepath.Join(g.dir, "build"), filepath.Join(g.home, ".ssh"), bin} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// What the not-run steps leave: the key (step 2), fleet (step 1), the
	// builds (step 9).
	copyGuideFile(t, filepath.Join(l.dir, "id_ed25519"), filepath.Join(g.home, ".ssh", "id_ed25519"), 0o600)
	copyGuideFile(t, l.bin, filepath.Join(bin, "fleet"), 0o755)
	for _, v := range []string{"v1", "v2"} {
		copyGuideFile(t, l.hello[v], filepath.Join(g.dir, "build", "hello-"+v), 0o755)
	}
	// OpenSSH finds ~ in the password database, not $HOME.
	for _, tool := range []string{"ssh", "scp"} {
		real, err := exec.LookPath(tool)
		if err != nil {
			t.Fatal(err)
		}
		wrapper := "#!/bin/sh\nexec " + real + ` -F "$HOME/.ssh/config" -o UserKnownHostsFile="$HOME/.ssh/known_hosts"` +
			` -o IdentityFile="$HOME/.ssh/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes "$@"` + "\n"
		if err := os.WriteFile(filepath.Join(bin, tool), []byte(wrapper), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	g.env = []string{"HOME=" + g.home, "PATH=" + bin + ":/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "USER=" + os.Getenv("USER"),
		"FLEET_MAX_UNAVAILABLE=2"} // the one shortening: both hosts at once
	return g
}

// shell runs one block with bash -euo pipefail in the working directory.
func (g *guideEnv) shell(t *testing.T, text string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "bash", "-euo", "pipefail", "-c", text)
	cmd.Dir, cmd.Env = g.dir, g.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func copyGuideFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, mode); err != nil {
		t.Fatal(err)
	}
}

// assertSudoRuleAsGuided: step 3, not run, is what the lab's hosts have.
func (l *lab) assertSudoRuleAsGuided(t *testing.T, doc string) {
	t.Helper()
	m := regexp.MustCompile(`echo '(deploy ALL=[^']+)' > /etc/sudoers.d/fleet`).FindStringSubmatch(doc)
	if m == nil {
		t.Fatal("docs/own-hosts.md: no sudo rule written to /etc/sudoers.d/fleet")
	}
	for _, h := range l.names[:2] {
		if got := l.ssh(t, h, "cat /etc/sudoers.d/fleet"); got != m[1] {
			t.Errorf("%s: /etc/sudoers.d/fleet is %q, the guide writes %q", h, got, m[1])
		}
	}
}

// prepareGuideHosts leaves the guide's two hosts without hello: no
// release, no unit (step 7 installs the one fleet init prints). The
// cleanup disables that unit and reinstalls the example's, as other
// tests expect.
func (l *lab) prepareGuideHosts(t *testing.T) {
	t.Helper()
	for _, h := range l.names[:2] {
		l.ssh(t, h, "systemctl stop hello.service 2>/dev/null; systemctl reset-failed hello.service 2>/dev/null; "+
			"rm -rf /opt/hello /etc/systemd/system/hello.service /etc/systemd/system/hello.service.d && systemctl daemon-reload")
	}
	t.Cleanup(func() {
		for _, h := range l.names[:2] {
			l.ssh(t, h, "systemctl disable hello.service 2>/dev/null; true")
		}
		l.resetHosts(t)
	})
}

// after checks, on the hosts, what the block called name did.
func (g *guideEnv) after(t *testing.T, name, out string, blocks []guideBlock) {
	t.Helper()
	switch name {
	case "keyscan":
		g.assertKnownHostsAreTheLabs(t)
	case "init":
		for _, b := range blocks {
			if b.file == "" {
				continue
			}
			got, err := os.ReadFile(filepath.Join(g.dir, b.file))
			if err != nil || string(got) != b.text {
				t.Errorf("docs/own-hosts.md:%d shows %s as fleet init did not write it (%v); it wrote:\n%s", b.line, b.file, err, got)
			}
		}
	case "unit":
		unit, _ := os.ReadFile(filepath.Join(g.dir, "hello.service"))
		for _, h := range g.l.names[:2] {
			if got := g.l.ssh(t, h, "cat /etc/systemd/system/hello.service"); got != strings.TrimSpace(string(unit)) {
				t.Errorf("%s: the installed unit is not the one fleet init printed:\n%s", h, got)
			}
			if got := g.l.ssh(t, h, "systemctl is-enabled hello.service"); got != "enabled" {
				t.Errorf("%s: hello.service is %s, want enabled", h, got)
			}
		}
	case "rollout-v1":
		g.assertOn(t, "v1")
		if !strings.Contains(out, `"version":"v1"`) {
			t.Errorf("the guide's curl did not show v1:\n%s", out)
		}
	case "rollout-v2":
		g.assertOn(t, "v2")
	case "rollback":
		g.assertOn(t, "v1")
	}
}

// assertKnownHostsAreTheLabs: what ssh-keyscan recorded is each host's
// own key, as the lab wrote it when the host generated it.
func (g *guideEnv) assertKnownHostsAreTheLabs(t *testing.T) {
	t.Helper()
	lab, err := os.ReadFile(filepath.Join(g.l.dir, "known_hosts"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(g.home, ".ssh", "known_hosts"))
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range g.guideAddrs {
		want := knownHostsLine(string(lab), addr)
		if want == "" || knownHostsLine(string(got), addr) != want {
			t.Errorf("%s: ssh-keyscan recorded %q, the lab's key is %q", addr, knownHostsLine(string(got), addr), want)
		}
	}
}

// knownHostsLine is the ssh-ed25519 line for addr in a known_hosts file.
func knownHostsLine(file, addr string) string {
	for line := range strings.Lines(file) {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == addr && f[1] == "ssh-ed25519" {
			return strings.Join(f[:3], " ")
		}
	}
	return ""
}

// assertOn checks, on each of the guide's hosts, that current points at
// version's release, the unit runs, and /healthz reports version.
func (g *guideEnv) assertOn(t *testing.T, version string) {
	t.Helper()
	for i, h := range g.l.names[:2] {
		s := g.l.state(t, i)
		if s.current != version || s.active != "active" || s.pid == "0" || s.version != version {
			t.Errorf("%s: current=%q unit=%q MainPID=%s /healthz=%q, want %s", h, s.current, s.active, s.pid, s.version, version)
		}
	}
}
