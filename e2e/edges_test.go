//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// What users get wrong changes nothing on any host: each mistake exits 3
// and the hosts keep their symlink, MainPID and release bytes. Then the
// paused-canary guard, and `fleet rollback VERSION`, checked on the hosts.
func TestEdges_MistakesChangeNothing(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{minHealthyTime: "1s"})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d\n%s", r.code, r.stdout)
	}
	refused := func(t *testing.T, mention string, args ...string) {
		t.Helper()
		before := l.fingerprint(t)
		r := l.fleet(t, args...)
		if r.code != 3 {
			t.Errorf("exit %d, want 3\n%s", r.code, r.stdout)
		}
		if !strings.Contains(r.stderr, mention) {
			t.Errorf("stderr does not mention %q:\n%s", mention, r.stderr)
		}
		if after := l.fingerprint(t); after != before {
			t.Errorf("hosts changed:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	}
	v2 := l.hello["v2"]

	t.Run("a stray word before flags", func(t *testing.T) {
		refused(t, "oops", "rollout", "-i", inv, "--artifact", v2, "--version", "v2", "oops", "--limit", l.names[0])
	})
	t.Run("other bytes under the current version", func(t *testing.T) {
		refused(t, "version_conflict", "plan", "-i", inv, "--artifact", v2, "--version", "v1")
		refused(t, "version_conflict", "rollout", "-i", inv, "--artifact", v2, "--version", "v1")
	})
	t.Run("an inventory without health checks", func(t *testing.T) {
		bare := rewriteInventory(t, inv, regexp.MustCompile(`(?m)^    checks:\n(      .*\n)+`), "")
		for _, cmd := range [][]string{{"inventory"}, {"plan", "--artifact", v2, "--version", "v2"}, {"rollout", "--artifact", v2, "--version", "v2"}} {
			refused(t, "checks", append(append(cmd[:1:1], "-i", bare), cmd[1:]...)...)
		}
	})
	t.Run("a unit name the agent would refuse", func(t *testing.T) {
		bad := rewriteInventory(t, inv, regexp.MustCompile(`units: \[hello.service\]`), `units: ["-x.service"]`)
		refused(t, "-x.service", "rollout", "-i", bad, "--artifact", v2, "--version", "v2")
	})

	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", v2, "--version", "v2"); r.code != 0 {
		t.Fatalf("rollout v2: exit %d\n%s", r.code, r.stdout)
	}
	t.Run("other bytes under the previous version", func(t *testing.T) {
		refused(t, "version_conflict", "rollout", "-i", inv, "--artifact", l.hello["v3"], "--version", "v1")
	})

	t.Run("a paused canary is not dropped by a new rollout", func(t *testing.T) {
		if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--canary", "1", "--pause-after-canary", "--artifact", l.hello["v3"], "--version", "v3"); r.code != 4 {
			t.Fatalf("paused canary: exit %d, want 4", r.code)
		}
		st := l.fleet(t, "status", "-i", inv)
		if !strings.Contains(st.stdout, "paused: rollout ") || !strings.Contains(st.stdout, "of v3") {
			t.Errorf("status does not show the paused rollout:\n%s", st.stdout)
		}
		refused(t, "--abandon-paused", "rollout", "-i", inv, "--artifact", l.hello["v4"], "--version", "v4")
		if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--abandon-paused", "--artifact", l.hello["v4"], "--version", "v4"); r.code != 0 {
			t.Fatalf("rollout --abandon-paused: exit %d\n%s", r.code, r.stdout)
		}
		l.assertAllOn(t, "v4")
		for _, h := range l.names {
			if !journalHasEntry(l.journal(t, h), "pending", "reason", "abandoned") {
				t.Errorf("%s: the journal does not record the paused rollout as abandoned", h)
			}
		}
	})

	t.Run("rollback VERSION means --to VERSION", func(t *testing.T) {
		refused(t, "--to", "rollback", "v2", "-i", inv, "--to", "v3")
		if r := l.fleet(t, "rollback", "v2", "-i", inv, "-o", "json"); r.code != 0 {
			t.Fatalf("rollback v2: exit %d\n%s", r.code, r.stdout)
		}
		l.assertAllOn(t, "v2")
	})
}

// fingerprint is what a mistake must not change on any host: the current
// symlink, the unit's MainPID, and every release's bytes.
func (l *lab) fingerprint(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, h := range l.names {
		b.WriteString(h + ": " + l.ssh(t, h, "readlink /opt/hello/current; systemctl show -p MainPID --value hello.service; "+
			"cd /opt/hello/releases && sha256sum */hello") + "\n")
	}
	return b.String()
}

// rewriteInventory writes a copy of the inventory at path with re's
// matches replaced, failing when nothing matched.
func rewriteInventory(t *testing.T, path string, re *regexp.Regexp, repl string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !re.Match(data) {
		t.Fatalf("%s does not match %s", path, re)
	}
	out := filepath.Join(t.TempDir(), "fleet.yaml")
	if err := os.WriteFile(out, re.ReplaceAll(data, []byte(repl)), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

func journalHasEntry(entries []map[string]any, op, field, value string) bool {
	for _, e := range entries {
		if e["op"] == op && e[field] == value {
			return true
		}
	}
	return false
}
