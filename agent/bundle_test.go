package agent_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/bundle"
)

// tarEnt is one entry of a test bundle.
type tarEnt struct {
	name, body, link string
	typ              byte
	mode             int64
}

func tarGz(t *testing.T, ents ...tarEnt) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Linkname: e.link}
		if h.Typeflag == 0 {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.body))
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// openWith runs Serve with the host's spec plus shared paths and an env
// file, and does hello + lock.
func (h *host) openWith(t *testing.T, shared []string, envFile string) *agentSession {
	t.Helper()
	return h.openWithShared(t, appspec.SharedEntries(shared...), envFile)
}

// openWithShared is openWith with whole shared entries (owner, mode).
func (h *host) openWithShared(t *testing.T, shared []appspec.SharedEntry, envFile string) *agentSession {
	t.Helper()
	s := h.start(t)
	args := h.hello()
	args.App.Shared, args.App.EnvFile = shared, envFile
	ctx := context.Background()
	if _, err := s.c.Hello(ctx, args); err != nil {
		t.Fatalf("Hello: %v", err)
	}
	if _, err := s.c.Lock(ctx); err != nil {
		t.Fatalf("Lock: %v", err)
	}
	return s
}

// stageBundle uploads data as a tar.gz bundle, the way the controller does.
func stageBundle(c *agent.Client, v string, data []byte) error {
	ctx := context.Background()
	sha := sum(string(data))
	b, err := c.StageBegin(ctx, agent.StageBeginArgs{Version: v, SHA256: sha, Size: int64(len(data)), Format: string(bundle.TarGz)})
	if err != nil || b.Present {
		return err
	}
	if err := os.WriteFile(b.UploadPath, data, 0o600); err != nil {
		return err
	}
	_, err = c.StageCommit(ctx, agent.StageCommitArgs{Version: v, SHA256: sha, UploadPath: b.UploadPath})
	return err
}

func helloBundle(t *testing.T, greeting string) []byte {
	t.Helper()
	return tarGz(t, tarEnt{name: testBinary, body: "#!/bin/true\n", mode: 0o755},
		tarEnt{name: "config/", typ: tar.TypeDir, mode: 0o755},
		tarEnt{name: "config/greeting", body: greeting})
}

func TestBundle_StagedWithManifestAndSharedPaths(t *testing.T) {
	h := newHost(t)
	s := h.openWith(t, []string{"config/secrets.env", "var/uploads/"}, "config/secrets.env")
	if err := stageBundle(s.c, "1", helloBundle(t, "bonjour")); err != nil {
		t.Fatal(err)
	}
	rel := filepath.Join(h.root, "releases", "1")
	if b, err := os.ReadFile(filepath.Join(rel, "config", "greeting")); err != nil || string(b) != "bonjour" {
		t.Fatalf("config/greeting: %q %v", b, err)
	}
	var meta struct {
		Format string          `json:"format"`
		Files  bundle.Manifest `json:"files"`
	}
	data, err := os.ReadFile(filepath.Join(rel, "release.json"))
	if err != nil || json.Unmarshal(data, &meta) != nil {
		t.Fatalf("release.json: %s %v", data, err)
	}
	var got []string
	for _, e := range meta.Files {
		got = append(got, e.Path+":"+e.Kind)
	}
	if meta.Format != "tar.gz" || strings.Join(got, " ") != "app:file config:dir config/greeting:file config/secrets.env:symlink var:dir var/uploads:symlink" {
		t.Errorf("release.json format %q files %v", meta.Format, got)
	}
	secrets := filepath.Join(h.root, "shared", "config", "secrets.env")
	if fi, err := os.Stat(secrets); err != nil || fi.Mode() != 0o640 || fi.Size() != 0 {
		t.Fatalf("shared secrets.env: %v %v, want an empty 0640 file", fi, err)
	}
	if fi, err := os.Stat(filepath.Join(rel, "var", "uploads")); err != nil || !fi.IsDir() {
		t.Fatalf("var/uploads through the link: %v %v", fi, err)
	}
	// What the service writes into shared paths survives the next
	// release, and the switch accepts it.
	if err := os.WriteFile(filepath.Join(rel, "config", "secrets.env"), []byte("PW=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := stageBundle(s.c, "2", helloBundle(t, "hallo")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(h.root, "releases", "2", "config", "secrets.env")); string(b) != "PW=1\n" {
		t.Errorf("release 2 sees secrets.env %q", b)
	}
	for _, v := range []string{"1", "2"} {
		if _, err := s.c.Switch(context.Background(), agent.SwitchArgs{Version: v}); err != nil {
			t.Fatalf("switch %s: %v", v, err)
		}
	}
	// Same version, other content: a conflict.
	err = stageBundle(s.c, "2", helloBundle(t, "ciao"))
	wantCode(t, err, agent.CodeVersionConflict)
}

// A file changed, added or re-moded after staging stops the switch:
// current stays where it was.
func TestBundle_SwitchReverifiesTheManifest(t *testing.T) {
	for name, change := range map[string]func(rel string) error{
		"content": func(rel string) error {
			return os.WriteFile(filepath.Join(rel, "config", "greeting"), []byte("hacked!"), 0o644)
		},
		"added": func(rel string) error { return os.WriteFile(filepath.Join(rel, "config", "evil"), nil, 0o644) },
		"mode":  func(rel string) error { return os.Chmod(filepath.Join(rel, testBinary), 0o777) },
	} {
		t.Run(name, func(t *testing.T) {
			h := newHost(t)
			s := h.openWith(t, nil, "")
			for _, v := range []string{"1", "2"} {
				if err := stageBundle(s.c, v, helloBundle(t, "hi "+v)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.c.Switch(context.Background(), agent.SwitchArgs{Version: "1"}); err != nil {
				t.Fatal(err)
			}
			if err := change(filepath.Join(h.root, "releases", "2")); err != nil {
				t.Fatal(err)
			}
			_, err := s.c.Switch(context.Background(), agent.SwitchArgs{Version: "2"})
			e := wantCode(t, err, agent.CodeChecksumMismatch)
			if !strings.Contains(e.Message, "changed since it was staged") {
				t.Errorf("message %q", e.Message)
			}
			if cur, _ := os.Readlink(filepath.Join(h.root, "current")); cur != "releases/1" {
				t.Errorf("current -> %q, want releases/1", cur)
			}
		})
	}
}

// A malicious or broken bundle is refused before anything lands: no
// releases/<v>, no temp directory, no archive copy, no shared path
// overwritten.
func TestBundle_RefusedBeforeAnythingLands(t *testing.T) {
	bin := tarEnt{name: testBinary, body: "#!", mode: 0o755}
	for _, c := range []struct {
		name string
		ents []tarEnt
		want string
	}{
		{"dotdot", []tarEnt{bin, {name: "../../../etc/cron.d/x", body: "* * * * * root sh"}}, `".."`},
		{"absolute", []tarEnt{bin, {name: "/etc/passwd", body: "x"}}, "absolute path"},
		{"symlink out", []tarEnt{bin, {name: "etc", typ: tar.TypeSymlink, link: "../../../../etc"}}, "leaves the release"},
		{"device", []tarEnt{bin, {name: "mem", typ: tar.TypeChar}}, "device file"},
		{"ships a shared path", []tarEnt{bin, {name: "config/secrets.env", body: "PW=overwritten"}}, "a shared path"},
		{"ships release.json", []tarEnt{bin, {name: "release.json", body: "{}"}}, "fleet's own record"},
		{"no binary", []tarEnt{{name: "config/greeting", body: "x"}}, "no executable file app"},
		{"binary not executable", []tarEnt{{name: testBinary, body: "x", mode: 0o644}}, "no executable file app"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHost(t)
			s := h.openWith(t, []string{"config/secrets.env"}, "")
			if err := stageBundle(s.c, "1", helloBundle(t, "hi")); err != nil {
				t.Fatal(err)
			}
			secrets := filepath.Join(h.root, "shared", "config", "secrets.env")
			if err := os.WriteFile(secrets, []byte("PW=1\n"), 0o640); err != nil {
				t.Fatal(err)
			}
			err := stageBundle(s.c, "2", tarGz(t, c.ents...))
			e := wantCode(t, err, agent.CodeBadRequest)
			if !strings.Contains(e.Message, c.want) {
				t.Errorf("message %q, want %q", e.Message, c.want)
			}
			entries, _ := os.ReadDir(filepath.Join(h.root, "releases"))
			if len(entries) != 1 || entries[0].Name() != "1" {
				t.Errorf("releases/ holds %v, want only 1", entries)
			}
			if b, _ := os.ReadFile(secrets); string(b) != "PW=1\n" {
				t.Errorf("shared secrets.env now %q", b)
			}
		})
	}
}

func TestBundle_EnvFileMustBeThere(t *testing.T) {
	h := newHost(t)
	s := h.openWith(t, nil, "config/app.env")
	err := stageBundle(s.c, "1", helloBundle(t, "hi"))
	e := wantCode(t, err, agent.CodeBadRequest)
	if !strings.Contains(e.Message, "app.env_file config/app.env is not a file in the release") {
		t.Errorf("message %q", e.Message)
	}
	if err := stageBundle(s.c, "1", tarGz(t, tarEnt{name: testBinary, body: "#!", mode: 0o755},
		tarEnt{name: "config/app.env", body: "GREETING=hi\n"})); err != nil {
		t.Fatal(err)
	}
}

func TestBundle_UnknownFormatRefused(t *testing.T) {
	h := newHost(t)
	s := h.openWith(t, nil, "")
	_, err := s.c.StageBegin(context.Background(), agent.StageBeginArgs{Version: "1", SHA256: sum("x"), Size: 1, Format: "zip"})
	wantCode(t, err, agent.CodeBadRequest)
}

// Prune removes old releases, never the shared paths they linked to.
func TestBundle_PruneKeepsSharedPaths(t *testing.T) {
	h := newHost(t)
	s := h.openWith(t, []string{"config/secrets.env", "var/uploads/"}, "")
	ctx := context.Background()
	for _, v := range []string{"1", "2", "3", "4"} {
		if err := stageBundle(s.c, v, helloBundle(t, "hi "+v)); err != nil {
			t.Fatal(err)
		}
		if v == "1" {
			if err := os.WriteFile(filepath.Join(h.root, "shared", "config", "secrets.env"), []byte("PW=1\n"), 0o640); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := s.c.Switch(ctx, agent.SwitchArgs{Version: "4"}); err != nil {
		t.Fatal(err)
	}
	pr, err := s.c.Prune(ctx, agent.PruneArgs{Keep: 2})
	if err != nil || len(pr.Removed) == 0 {
		t.Fatalf("prune: %+v %v, want releases removed", pr, err)
	}
	if b, err := os.ReadFile(filepath.Join(h.root, "shared", "config", "secrets.env")); err != nil || string(b) != "PW=1\n" {
		t.Errorf("shared secrets.env after prune: %q %v", b, err)
	}
	if fi, err := os.Stat(filepath.Join(h.root, "shared", "var", "uploads")); err != nil || !fi.IsDir() {
		t.Errorf("shared var/uploads after prune: %v", err)
	}
}

// app.max_unpacked_mib lowers the limit: a 2 MiB file is refused at 1 MiB.
func TestBundle_UnpackLimitFromTheSpec(t *testing.T) {
	h := newHost(t)
	s := h.start(t)
	args := h.hello()
	args.App.MaxUnpackedMiB = 1
	ctx := context.Background()
	if _, err := s.c.Hello(ctx, args); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.Lock(ctx); err != nil {
		t.Fatal(err)
	}
	err := stageBundle(s.c, "1", tarGz(t, tarEnt{name: testBinary, body: "#!", mode: 0o755},
		tarEnt{name: "data", body: strings.Repeat("x", 2<<20)}))
	e := wantCode(t, err, agent.CodeBadRequest)
	if !strings.Contains(e.Message, "at most 1048576 bytes") {
		t.Errorf("message %q", e.Message)
	}
}
