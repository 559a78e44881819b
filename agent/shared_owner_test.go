//go:build unix

package agent_test

import (
	"context"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
)

// statOwner is path's mode bits, uid and gid.
func statOwner(t *testing.T, path string) (mode os.FileMode, uid, gid int) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return fi.Mode().Perm(), int(st.Uid), int(st.Gid)
}

func lookupNobody(t *testing.T) (uid, gid int) {
	t.Helper()
	u, err := user.Lookup("nobody")
	if err != nil {
		t.Skip(err)
	}
	g, err := user.LookupGroup("nogroup")
	if err != nil {
		if g, err = user.LookupGroup("nobody"); err != nil {
			t.Skip(err)
		}
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(g.Gid)
	return uid, gid
}

// A shared path is created on first use with the entry's owner, group
// and mode (the umask does not narrow it); the directories leading to it
// stay root's 0755, and a plain entry keeps the defaults.
func TestShared_CreatedWithOwnerAndMode(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to chown")
	}
	uid, gid := lookupNobody(t)
	g, _ := user.LookupGroupId(strconv.Itoa(gid))
	h := newHost(t)
	s := h.openWithShared(t, []appspec.SharedEntry{
		{Path: "var/uploads/", Owner: "nobody", Mode: "0750"},
		{Path: "config/secrets.env", Owner: "nobody", Group: g.Name, Mode: "0660"},
		{Path: "plain/"},
	}, "")
	if err := stageBundle(s.c, "1", helloBundle(t, "hi")); err != nil {
		t.Fatal(err)
	}
	shared := filepath.Join(h.root, "shared")
	for _, c := range []struct {
		path     string
		mode     os.FileMode
		uid, gid int
	}{
		{"var/uploads", 0o750, uid, 0},
		{"config/secrets.env", 0o660, uid, gid},
		{"plain", 0o755, 0, 0},
		{"var", 0o755, 0, 0},
		{"config", 0o755, 0, 0},
	} {
		if m, u, g := statOwner(t, filepath.Join(shared, c.path)); m != c.mode || u != c.uid || g != c.gid {
			t.Errorf("shared/%s: %o %d:%d, want %o %d:%d", c.path, m, u, g, c.mode, c.uid, c.gid)
		}
	}
}

// An existing shared path is never changed: not its owner, not its mode,
// not what it holds, whatever the entry now says.
func TestShared_ExistingPathUntouched(t *testing.T) {
	lookupNobody(t)
	h := newHost(t)
	uploads := filepath.Join(h.root, "shared", "var", "uploads")
	if err := os.MkdirAll(uploads, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(uploads, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(uploads, "a.txt"), []byte("kept"), 0o600); err != nil {
		t.Fatal(err)
	}
	m0, u0, g0 := statOwner(t, uploads)
	s := h.openWithShared(t, []appspec.SharedEntry{{Path: "var/uploads/", Owner: "nobody", Group: "root", Mode: "0775"}}, "")
	if err := stageBundle(s.c, "1", helloBundle(t, "hi")); err != nil {
		t.Fatal(err)
	}
	if m, u, g := statOwner(t, uploads); m != m0 || u != u0 || g != g0 {
		t.Errorf("shared/var/uploads now %o %d:%d, want it untouched: %o %d:%d", m, u, g, m0, u0, g0)
	}
	if b, err := os.ReadFile(filepath.Join(h.root, "releases", "1", "var", "uploads", "a.txt")); err != nil || string(b) != "kept" {
		t.Errorf("releases/1/var/uploads/a.txt: %q %v", b, err)
	}
}

// An owner or group the host does not know refuses the staging before
// anything lands: no release, no temp directory, no shared path.
func TestShared_UnknownOwnerRefused(t *testing.T) {
	for name, c := range map[string]struct {
		e    appspec.SharedEntry
		want string
	}{
		"user":  {appspec.SharedEntry{Path: "var/uploads/", Owner: "fleet-no-such-user"}, "app.shared var/uploads/: user fleet-no-such-user does not exist on this host"},
		"group": {appspec.SharedEntry{Path: "app.env", Group: "fleet-no-such-group"}, "app.shared app.env: group fleet-no-such-group does not exist on this host"},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHost(t)
			s := h.openWithShared(t, []appspec.SharedEntry{{Path: "config/secrets.env"}, c.e}, "")
			e := wantCode(t, stageBundle(s.c, "1", helloBundle(t, "hi")), agent.CodeBadRequest)
			if !strings.Contains(e.Message, c.want) || !strings.Contains(e.Message, "nothing was installed") {
				t.Errorf("message %q, want %q", e.Message, c.want)
			}
			if got := releaseDirs(t, h.root); len(got) != 0 {
				t.Errorf("releases/ holds %v, want nothing", got)
			}
			if _, err := os.Lstat(filepath.Join(h.root, "shared")); !os.IsNotExist(err) {
				t.Errorf("shared/ was created: %v", err)
			}
		})
	}
}

// hello re-validates the entries with appspec's rules.
func TestShared_HelloRefusesBadEntries(t *testing.T) {
	for _, e := range []appspec.SharedEntry{
		{Path: "var/", Mode: "4750"},
		{Path: "var/", Owner: "Root"},
		{Path: "var/", Group: "a b"},
	} {
		h := newHost(t)
		s := h.start(t)
		args := h.hello()
		args.App.Shared = []appspec.SharedEntry{e}
		_, err := s.c.Hello(context.Background(), args)
		wantCode(t, err, agent.CodeBadRequest)
	}
}
