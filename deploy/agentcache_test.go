package deploy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/transport/transporttest"
)

func TestSettledStat(t *testing.T) {
	const fp = "2049 811170 18919586 1796607755.098280423 1796607755.098280423"
	tests := []struct {
		name, out, want string
	}{
		{"ctime well before the clock", "1796607757 " + fp + "\n", fp},
		{"ctime within the settle time", "1796607756 " + fp, ""},
		{"ctime after the clock", "1796607700 " + fp, ""},
		{"no fingerprint (stat failed)", "1796607757 \n", ""},
		{"seconds only (busybox stat)", "1796607757 2049 811170 18919586 1796607755 1796607755", ""},
		{"no clock", " " + fp, ""},
		{"garbage", "x", ""},
	}
	for _, tt := range tests {
		if got := settledStat(tt.out); got != tt.want {
			t.Errorf("%s: settledStat(%q) = %q, want %q", tt.name, tt.out, got, tt.want)
		}
	}
}

// TestKnownAgents_Record: what put records survives a save and a load,
// in a file only its owner can read or write; a day-old entry, or one
// from the future, is not trusted; forget removes one.
func TestKnownAgents_Record(t *testing.T) {
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	path := filepath.Join(t.TempDir(), "cache", "fleet", "agents.json")
	k := loadKnownAgents(path, clock)
	a := knownAgent{Machine: "x86_64", Path: ".fleet/bin/fleet-ab", Stat: "1 2 3 4.000000000 5.000000000"}
	k.put("root@web1:22", a)
	k.put("deploy@web2:2222", a)
	if err := k.save(); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700 | os.ModeDir} {
		if st, err := os.Stat(p); err != nil || st.Mode() != want {
			t.Errorf("%s: mode %v (%v), want %v", p, st.Mode(), err, want)
		}
	}
	k = loadKnownAgents(path, clock)
	got, ok := k.get("root@web1:22")
	if !ok || got.Stat != a.Stat || got.Path != a.Path || got.Machine != a.Machine {
		t.Fatalf("after a load: %+v, %v", got, ok)
	}
	k.forget("deploy@web2:2222")
	if _, ok := k.get("deploy@web2:2222"); ok {
		t.Error("forgotten entry still there")
	}
	now = now.Add(knownAgentTTL + time.Second)
	if _, ok := k.get("root@web1:22"); ok {
		t.Error("an entry older than a day is trusted")
	}
	now = now.Add(-2 * knownAgentTTL)
	if _, ok := k.get("root@web1:22"); ok {
		t.Error("an entry verified in the future is trusted")
	}
	var none *knownAgents
	none.put("x", a)
	if _, ok := none.get("x"); ok || none.save() != nil || loadKnownAgents("", clock) != nil {
		t.Error("a nil record must know nothing and save nothing")
	}
}

// TestAgentFingerprint_RealShell runs the commands through /bin/sh with the
// real stat and sha256sum (behind a stand-in that logs each call): a
// fingerprint learnt from a settled file lets the start line skip the hash
// while the file is unchanged; a file rewritten in place with the same
// size, inode and mtime (only its ctime differs) is hashed again and
// refused, so it never runs; a replaced file with the right bytes is
// hashed and runs.
func TestAgentFingerprint_RealShell(t *testing.T) {
	real, err := exec.LookPath("sha256sum")
	if err != nil {
		t.Skip("no sha256sum")
	}
	if _, err := exec.LookPath("stat"); err != nil {
		t.Skip("no stat")
	}
	home, bin := t.TempDir(), t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".fleet", "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(t.TempDir(), "ran")
	agent := fmt.Appendf(nil, "#!/bin/sh\necho ok >> %s\necho \"agent $*\"\n", marker)
	sum := sha256.Sum256(agent)
	ra := remoteAgent{path: ".fleet/bin/fleet-" + hex.EncodeToString(sum[:]), sha256: hex.EncodeToString(sum[:])}
	file := filepath.Join(home, ra.path)
	if err := os.WriteFile(file, agent, 0o755); err != nil {
		t.Fatal(err)
	}
	hashes := filepath.Join(t.TempDir(), "hashes")
	stand := fmt.Sprintf("#!/bin/sh\necho x >> %s\nexec %s \"$@\"\n", hashes, real)
	// The clock the verify command reads is 10 s ahead: the file is settled.
	date := "#!/bin/sh\necho $(( $(" + "/bin/date +%s) + 10 ))\n"
	for name, body := range map[string]string{"sha256sum": stand, "date": date} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sh := func(t *testing.T, cmd string) (string, int) {
		t.Helper()
		c := exec.Command("/bin/sh", "-c", cmd)
		c.Dir = home
		c.Env = []string{"HOME=" + home, "PATH=" + bin + ":/usr/bin:/bin"}
		out, err := c.Output()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out)), code
	}
	calls := func() int {
		data, _ := os.ReadFile(hashes)
		_ = os.Remove(hashes)
		return strings.Count(string(data), "x")
	}
	ran := func() bool {
		_, err := os.Stat(marker)
		_ = os.Remove(marker)
		return err == nil
	}

	out, code := sh(t, fingerprintCheck(ra))
	learnt := settledStat(out)
	if code != 0 || learnt == "" || calls() != 1 {
		t.Fatalf("verify: exit %d, output %q: no settled fingerprint", code, out)
	}
	ra.stat = learnt
	if out, code := sh(t, agentShellCommand(ra, false)); code != 0 || out != "agent agent serve" || !ran() || calls() != 0 {
		t.Fatalf("unchanged file: exit %d, output %q; want the agent run without a hash", code, out)
	}

	t.Run("rewritten in place, same size, inode and mtime", func(t *testing.T) {
		before, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond) // a later clock tick than the file's ctime, as settleTime guarantees
		evil := fmt.Appendf(nil, "#!/bin/sh\necho pwned >> %s\nexit 0\n", marker)
		evil = append(evil, make([]byte, len(agent)-len(evil))...)
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(evil); err != nil {
			t.Fatal(err)
		}
		_ = f.Close()
		if err := os.Chtimes(file, before.ModTime(), before.ModTime()); err != nil {
			t.Fatal(err)
		}
		now, _ := sh(t, "stat -L -c '"+statFormat+"' -- "+ra.path)
		if got, want := strings.Fields(now)[:4], strings.Fields(learnt)[:4]; strings.Join(got, " ") != strings.Join(want, " ") || now == learnt {
			t.Fatalf("fingerprint %q after the rewrite, learnt %q: want only the ctime changed", now, learnt)
		}
		out, code := sh(t, agentShellCommand(ra, false))
		if code != 97 || ran() || calls() != 1 || out != "" {
			t.Errorf("rewritten file: exit %d, output %q; want it hashed, refused (97) and never run", code, out)
		}
	})
	t.Run("replaced by a copy with the right bytes", func(t *testing.T) {
		tmp := file + ".new"
		if err := os.WriteFile(tmp, agent, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, file); err != nil {
			t.Fatal(err)
		}
		if out, code := sh(t, agentShellCommand(ra, false)); code != 0 || out != "agent agent serve" || !ran() || calls() != 1 {
			t.Errorf("replaced file: exit %d, output %q; want it hashed once and run", code, out)
		}
	})
	t.Run("a fresh file's fingerprint is not trusted", func(t *testing.T) {
		_ = os.Remove(filepath.Join(bin, "date")) // the real clock: the file was just written
		out, code := sh(t, fingerprintCheck(ra))
		if code != 0 || settledStat(out) != "" {
			t.Errorf("verify of a fresh file: exit %d, output %q; want no settled fingerprint", code, out)
		}
	})
}

// TestInstallAgent_Fingerprint: install hashes the binary on the host and
// records the fingerprint it read first, when settled; recorded then gives
// a start line that compares it, with no round trip, for as long as the
// record names the binary this controller installs. A binary that failed
// its check is not recorded, and a host whose shell does not take the
// command gets the plain check, as before.
func TestInstallAgent_Fingerprint(t *testing.T) {
	fx := newInstallFixture(t)
	const key = "root@web1:22"
	const fp = "2049 7 19 1796607755.098280423 1796607755.098280423"
	check := fingerprintCheck(remoteAgent{path: fx.path, sha256: fx.sum})
	newAI := func(t *testing.T) agentInstaller {
		return agentInstaller{override: fx.bin, known: loadKnownAgents(filepath.Join(t.TempDir(), "agents.json"), time.Now)}
	}

	t.Run("learnt, then used", func(t *testing.T) {
		ai := newAI(t)
		if _, ok := ai.recorded(key); ok {
			t.Fatal("recorded before any run")
		}
		c := transporttest.NewConn(key).
			On(transporttest.Equal("uname -m"), transporttest.Reply("x86_64\n")).
			On(transporttest.Equal(check), transporttest.Reply("1796607757 "+fp+"\n"))
		ra, err := ai.install(t.Context(), c, key)
		if err != nil || ra.stat != fp || ra.how != "sha256" {
			t.Fatalf("install: %+v, %v", ra, err)
		}
		transporttest.ReceivedEqual(t, c, "uname -m", check)
		got, ok := ai.recorded(key)
		if !ok || got.stat != fp || got.path != fx.path || got.how != "fingerprint" {
			t.Fatalf("recorded: %+v, %v", got, ok)
		}
		if cmd := agentShellCommand(got, false); !strings.Contains(cmd, `[ "$(stat -L -c '`+statFormat+`' -- `+fx.path+` 2>/dev/null)" = '`+fp+`' ]`) {
			t.Errorf("start line does not compare the fingerprint: %s", cmd)
		}
		newer := filepath.Join(t.TempDir(), "fleet-linux-amd64")
		if err := os.WriteFile(newer, []byte("#!/bin/false\nanother build\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		other := agentInstaller{override: newer, known: ai.known}
		if _, ok := other.recorded(key); ok {
			t.Error("a record of another binary is used")
		}
	})
	t.Run("not settled: hashed, not recorded", func(t *testing.T) {
		ai := newAI(t)
		c := transporttest.NewConn(key).
			On(transporttest.Equal("uname -m"), transporttest.Reply("x86_64\n")).
			On(transporttest.Equal(check), transporttest.Reply("1796607756 "+fp+"\n"))
		ra, err := ai.install(t.Context(), c, key)
		if _, ok := ai.recorded(key); err != nil || ra.stat != "" || ok {
			t.Fatalf("install: %+v, %v; recorded %v", ra, err, ok)
		}
	})
	t.Run("wrong: uploaded, not recorded", func(t *testing.T) {
		ai := newAI(t)
		c := transporttest.NewConn(key).
			On(transporttest.Equal("uname -m"), transporttest.Reply("x86_64\n")).
			On(transporttest.Equal(check), transporttest.Exit(1, "")).
			On(transporttest.Equal(fx.verify), transporttest.Reply(""))
		ra, err := ai.install(t.Context(), c, key)
		if err != nil || ra.stat != "" || ra.how != "upload" || len(c.Uploads()) != 1 {
			t.Fatalf("install: %+v, %v, %d uploads", ra, err, len(c.Uploads()))
		}
		// The check ran and said no: no second, plain check before the
		// upload; the plain one after it.
		transporttest.ReceivedEqual(t, c, "uname -m", check, fx.verify)
		if _, ok := ai.recorded(key); ok {
			t.Error("a binary that failed its check is recorded")
		}
		if strings.Contains(agentShellCommand(ra, false), "$(stat") {
			t.Errorf("start line trusts a fingerprint: %s", agentShellCommand(ra, false))
		}
	})
	t.Run("a shell that does not take the command", func(t *testing.T) {
		ai := newAI(t)
		c := transporttest.NewConn(key).
			On(transporttest.Equal("uname -m"), transporttest.Reply("x86_64\n")).
			On(transporttest.Equal(fx.verify), transporttest.Reply("")).
			On(transporttest.Any(), transporttest.Exit(127, "not simulated"))
		ra, err := ai.install(t.Context(), c, key)
		if err != nil || ra.stat != "" || len(c.Uploads()) != 0 {
			t.Fatalf("install: %+v, %v", ra, err)
		}
		transporttest.ReceivedEqual(t, c, "uname -m", check, fx.verify)
		if _, ok := ai.recorded(key); ok {
			t.Error("recorded without a fingerprint")
		}
	})
}
