//go:build e2e

package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// Bundles and shared files on real hosts (issue 17, parts 1, 2, 4), on one
// set-up: hello plus its config/greeting rolled out as a directory, a
// .tar.gz and a .tar.zst, then rolled back; on every host, the manifest in
// release.json, the greeting each version serves, and config/secrets.env
// and var/uploads/ in <root>/shared (created with the inventory's owner
// nobody and mode 0750), written once and untouched by three releases
// and a rollback. Then what must be refused: the same version
// with other content (exit 3), four malicious archives (before anything
// lands: no release, no temp directory, nothing outside the release) and
// a staged bundle whose file was changed on the hosts (at the switch:
// current never moves to it).
func TestBundle_RolloutSharedFilesAndRefusals(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{
		appExtra:       "  shared: [config/secrets.env, {path: var/uploads/, owner: nobody, mode: \"0750\"}]\n  env_file: config/secrets.env\n",
		minHealthyTime: "1s",
		strategy:       "  max_unavailable: 3\n  max_failures: 0\n",
	})
	dir := t.TempDir()
	v1 := helloBundleDir(t, dir, "v1", "bonjour")
	l.rolloutOK(t, inv, v1, "v1")
	l.assertGreeting(t, "bonjour", "v1")
	l.assertManifest(t, "v1", "tar", l.hello["v1"], "bonjour")
	for _, h := range l.names {
		if got := l.ssh(t, h, "stat -c '%a %U %s' /opt/hello/shared/config/secrets.env"); got != "640 root 0" {
			t.Errorf("%s: shared secrets.env %q, want an empty 0640 root file", h, got)
		}
		if got := l.ssh(t, h, "stat -c '%U %a' /opt/hello/shared/var/uploads"); got != "nobody 750" {
			t.Errorf("%s: shared var/uploads %q, want the inventory's owner and mode: nobody 750", h, got)
		}
		l.ssh(t, h, "printf 'SECRET=42\\n' > /opt/hello/shared/config/secrets.env && echo kept > /opt/hello/shared/var/uploads/a.txt")
	}

	l.rolloutOK(t, inv, archive(t, helloBundleDir(t, dir, "v2", "hallo"), "tar.gz"), "v2")
	l.assertGreeting(t, "hallo", "v2")
	l.assertManifest(t, "v2", "tar.gz", l.hello["v2"], "hallo")
	v3 := archive(t, helloBundleDir(t, dir, "v3", "ciao"), "tar.zst")
	l.rolloutOK(t, inv, v3, "v3")
	l.assertGreeting(t, "ciao", "v3")
	l.assertManifest(t, "v3", "tar.zst", l.hello["v3"], "ciao")
	if r := l.fleet(t, "rollback", "-i", inv, "-o", "json"); r.code != 0 {
		t.Fatalf("rollback: exit %d", r.code)
	}
	l.assertAllOn(t, "v2")
	l.assertGreeting(t, "hallo", "v2")
	l.assertSharedKept(t, "v1", "v2", "v3")

	// The same version with other content is a conflict, whatever the form.
	other := helloBundleDir(t, dir, "v2", "other")
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", other, "--version", "v2"); r.code != 3 {
		t.Errorf("v2 with other content: exit %d, want 3\n%s", r.code, r.stderr)
	}

	pids := l.pids(t)
	for _, evil := range maliciousArchives(t, dir, l.hello["v4"]) {
		r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", evil.path, "--version", evil.name)
		if r.code == 0 || !strings.Contains(r.stderr, evil.want) {
			t.Errorf("%s: exit %d, want a refusal naming %q\n%s", evil.name, r.code, evil.want, r.stderr)
		}
		for _, h := range l.names {
			if out := l.ssh(t, h, "ls -a /opt/hello/releases; ls /tmp/fleet-evil-* /fleet-evil-* 2>/dev/null; true"); strings.Contains(out, evil.name) || strings.Contains(out, "fleet-evil") {
				t.Errorf("%s: %s landed:\n%s", h, evil.name, out)
			}
		}
	}
	l.assertAllOn(t, "v2")
	if got := l.pids(t); strings.Join(got, " ") != strings.Join(pids, " ") {
		t.Errorf("MainPIDs %v after the refused archives, want %v", got, pids)
	}

	// v3 is still staged everywhere (rolled back from); its greeting is
	// changed on the hosts. A rollback to it, which has no artifact to
	// stage it again, is refused at the switch: current never points at
	// it. A rollout of v3 stages it again from the artifact (nothing runs
	// the damaged copy, so it is removed) and every host serves v3's own
	// greeting.
	for _, h := range l.names {
		l.ssh(t, h, "echo tampered > /opt/hello/releases/v3/config/greeting")
	}
	r := l.fleet(t, "rollback", "-i", inv, "-o", "json", "--to", "v3")
	if r.code == 0 || !strings.Contains(r.stderr, "changed since it was staged") {
		t.Errorf("rollback to the tampered v3: exit %d, want the switch refused\n%s", r.code, r.stderr)
	}
	for _, h := range l.names {
		var last map[string]any
		for _, e := range l.journal(t, h) {
			if e["op"] == "switch" && e["to"] == "v3" {
				last = e
			}
		}
		if last["result"] != "error" || !strings.Contains(fmt.Sprint(last["error"]), "config/greeting") {
			t.Errorf("%s: the last switch to v3 in the journal: %v, want refused naming config/greeting", h, last)
		}
	}
	l.assertAllOn(t, "v2")
	l.assertGreeting(t, "hallo", "v2")
	r = l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", v3, "--version", "v3")
	if r.code != 0 {
		t.Fatalf("rollout of v3 over its damaged staged copy: exit %d\n%s", r.code, r.stderr)
	}
	if n := len(r.eventsOf("host_step", "upload")); n != len(l.names) {
		t.Errorf("v3 uploaded %d times, want once per host (each damaged copy staged again)", n)
	}
	l.assertAllOn(t, "v3")
	l.assertGreeting(t, "ciao", "v3")
	l.assertSharedKept(t, "v1", "v2", "v3")
}

func (l *lab) rolloutOK(t *testing.T, inv, artifact, version string) {
	t.Helper()
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", artifact, "--version", version); r.code != 0 {
		t.Fatalf("rollout %s: exit %d\n%s", version, r.code, r.stdout)
	}
	l.assertAllOn(t, version)
}

// helloBundleDir is a release directory: hello of version v and its
// config/greeting.
func helloBundleDir(t *testing.T, parent, v, greeting string) string {
	t.Helper()
	dir := filepath.Join(parent, v+"-"+greeting)
	bin, err := os.ReadFile(theLab.hello[v])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "hello"), bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config", "greeting"), []byte(greeting+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// archive packs dir with the system's tar (as a user would) and
// compresses it.
func archive(t *testing.T, dir, format string) string {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	if err := tw.AddFS(os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return compress(t, dir+"."+format, b.Bytes(), format)
}

func compress(t *testing.T, path string, data []byte, format string) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var w io.WriteCloser
	if format == "tar.zst" {
		w, err = zstd.NewWriter(f)
		if err != nil {
			t.Fatal(err)
		}
	} else {
		w = gzip.NewWriter(f)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

type evilArchive struct{ name, path, want string }

// maliciousArchives: hello (so that only the evil entry is wrong) plus a
// "../" path, an absolute path, a symlink out of the release, or 2 GiB of
// zeros that compress to a few kilobytes.
func maliciousArchives(t *testing.T, dir, hello string) []evilArchive {
	t.Helper()
	bin, err := os.ReadFile(hello)
	if err != nil {
		t.Fatal(err)
	}
	build := func(name, format string, evil func(tw *tar.Writer) error) evilArchive {
		pr, pw := io.Pipe()
		go func() {
			tw := tar.NewWriter(pw)
			err := tw.WriteHeader(&tar.Header{Name: "hello", Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(bin))})
			if err == nil {
				_, err = tw.Write(bin)
			}
			if err == nil {
				err = evil(tw)
			}
			pw.CloseWithError(errors.Join(err, tw.Close()))
		}()
		path := filepath.Join(dir, name+"."+format)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		zw, err := zstd.NewWriter(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(zw, pr); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return evilArchive{name: name, path: path}
	}
	file := func(name string, body string) func(*tar.Writer) error {
		return func(tw *tar.Writer) error {
			if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body))}); err != nil {
				return err
			}
			_, err := io.WriteString(tw, body)
			return err
		}
	}
	dotdot := build("evil-dotdot", "tar.zst", file("../../../../tmp/fleet-evil-dotdot", "x"))
	dotdot.want = `".." in its path`
	abs := build("evil-abs", "tar.zst", file("/tmp/fleet-evil-abs", "x"))
	abs.want = "an absolute path"
	link := build("evil-link", "tar.zst", func(tw *tar.Writer) error {
		return tw.WriteHeader(&tar.Header{Name: "config", Typeflag: tar.TypeSymlink, Linkname: "../../../../tmp"})
	})
	link.want = "leaves the release"
	bomb := build("evil-bomb", "tar.zst", func(tw *tar.Writer) error {
		const size = 2 << 30
		if err := tw.WriteHeader(&tar.Header{Name: "zeros", Typeflag: tar.TypeReg, Mode: 0o644, Size: size}); err != nil {
			return err
		}
		zero := make([]byte, 1<<20)
		for range size / len(zero) {
			if _, err := tw.Write(zero); err != nil {
				return err
			}
		}
		return nil
	})
	bomb.want = "2147483648 bytes: a release unpacks to at most"
	if fi, err := os.Stat(bomb.path); err != nil || fi.Size() > 16<<20 {
		t.Fatalf("the zip bomb is %v bytes (%v), want a small upload", fi.Size(), err)
	}
	return []evilArchive{dotdot, abs, link, bomb}
}

// assertGreeting asks every host's hello for GET /, from the controller.
func (l *lab) assertGreeting(t *testing.T, greeting, version string) {
	t.Helper()
	c := http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil}}
	for i, h := range l.names {
		resp, err := c.Get("http://" + l.addrs[i] + ":8080/")
		if err != nil {
			t.Errorf("%s: GET /: %v", h, err)
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := fmt.Sprintf("%s from %s on ", greeting, version); !strings.HasPrefix(string(body), want) {
			t.Errorf("%s: GET / = %q, want %q…", h, body, want)
		}
	}
}

// assertManifest reads release.json of v on every host and checks its
// manifest against the files the bundle was made of, and the links to
// the shared paths.
func (l *lab) assertManifest(t *testing.T, v, format, hello, greeting string) {
	t.Helper()
	bin, err := os.ReadFile(hello)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"hello":              fmt.Sprintf("file 493 %d %s", len(bin), sha(bin)),
		"config":             "dir 493 0 ",
		"config/greeting":    fmt.Sprintf("file 420 %d %s", len(greeting)+1, sha([]byte(greeting+"\n"))),
		"config/secrets.env": "symlink 0 0 ../../../shared/config/secrets.env",
		"var":                "dir 493 0 ",
		"var/uploads":        "symlink 0 0 ../../../shared/var/uploads",
	}
	for _, h := range l.names {
		var m struct {
			Format string `json:"format"`
			Files  []struct {
				Path, Type, SHA256, Target string
				Mode                       uint32
				Size                       int64
			} `json:"files"`
		}
		if err := json.Unmarshal([]byte(l.ssh(t, h, "cat /opt/hello/releases/"+v+"/release.json")), &m); err != nil {
			t.Fatalf("%s: release.json of %s: %v", h, v, err)
		}
		got := map[string]string{}
		for _, f := range m.Files {
			got[f.Path] = fmt.Sprintf("%s %d %d %s%s", f.Type, f.Mode, f.Size, f.SHA256, f.Target)
		}
		if m.Format != format || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: release.json of %s: format %q files\n%v\nwant %q\n%v", h, v, m.Format, got, format, want)
		}
		if out := l.ssh(t, h, "sha256sum /opt/hello/releases/"+v+"/hello | cut -c1-64"); out != sha(bin) {
			t.Errorf("%s: releases/%s/hello has sha256 %s, want %s", h, v, out, sha(bin))
		}
	}
}

// assertSharedKept checks on every host that the shared files hold what
// the test wrote and that each release links to them.
func (l *lab) assertSharedKept(t *testing.T, versions ...string) {
	t.Helper()
	for _, h := range l.names {
		if got := l.ssh(t, h, "cat /opt/hello/shared/config/secrets.env /opt/hello/shared/var/uploads/a.txt"); got != "SECRET=42\nkept" {
			t.Errorf("%s: shared files hold %q", h, got)
		}
		for _, v := range versions {
			rel := "/opt/hello/releases/" + v
			if got := l.ssh(t, h, "cat "+rel+"/config/secrets.env "+rel+"/var/uploads/a.txt 2>&1 || true"); got != "SECRET=42\nkept" {
				t.Errorf("%s: releases/%s sees the shared files as %q", h, v, got)
			}
		}
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
