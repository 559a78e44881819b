package transporttest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/transport"
	"github.com/fleetdeploy/fleet/transport/transporttest"
)

// TestClient_FileOps: the real client's MkdirAll, Upload, Rename and
// Remove (transport.Conn, which deploy installs the agent with) against
// the in-process server's SFTP on a directory: the upload lands under a
// temporary name and the rename replaces the target.
func TestClient_FileOps(t *testing.T) {
	root := t.TempDir()
	srv := transporttest.NewServer(t, transporttest.ServerOptions{Root: root})
	c, err := transport.Dial(t.Context(), srv.Addr, srv.ClientConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var conn transport.Conn = c
	ctx := t.Context()
	if err := conn.MkdirAll(ctx, ".fleet/bin"); err != nil {
		t.Fatal(err)
	}
	if err := conn.MkdirAll(ctx, ".fleet/bin"); err != nil {
		t.Errorf("MkdirAll of an existing directory: %v", err)
	}
	if err := os.WriteFile(filepath.Join(root, ".fleet/bin/agent"), []byte("old"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Upload(ctx, ".fleet/bin/agent.tmp", strings.NewReader("new"), 0o755, nil); err != nil {
		t.Fatal(err)
	}
	if err := conn.Rename(ctx, ".fleet/bin/agent.tmp", ".fleet/bin/agent"); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(root, ".fleet/bin/agent")); err != nil || string(got) != "new" {
		t.Errorf("after rename: %q, %v", got, err)
	}
	if err := conn.Remove(ctx, ".fleet/bin/agent"); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(filepath.Join(root, ".fleet/bin")); len(entries) != 0 {
		t.Errorf(".fleet/bin holds %d entries after remove", len(entries))
	}
	if err := conn.Rename(ctx, "missing", "x"); err == nil || !strings.HasPrefix(err.Error(), "rename missing: ") {
		t.Errorf("rename of a missing file: %v", err)
	}
}
