package hostsim_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/transport"
)

// TestHost_SFTPIsChrooted: absolute paths land under the host's directory,
// relative ones in its home (the same directory), and a failure names the
// host's path, not where it lies in the test process.
func TestHost_SFTPIsChrooted(t *testing.T) {
	f := hostsim.New(t, 1, hostsim.Options{})
	inv, err := inventory.Load(f.WriteInventory(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	h, sim := inv.Hosts[0], f.Host(0)
	ctx := t.Context()
	c, err := transport.Dial(ctx, h.Address, transport.Config{
		User: h.SSH.User, Port: h.SSH.Port, IdentityFiles: h.SSH.IdentityFiles,
		KnownHostsFile: h.SSH.KnownHosts, SSHConfigFile: h.SSH.Config, Jump: h.SSH.Jump,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sc, err := c.SFTP()
	if err != nil {
		t.Fatal(err)
	}

	// A directory of the test's: should the mapping fail, the file lands
	// here rather than in a system path.
	abs := filepath.Join(t.TempDir(), "srv", "probe")
	if err := sc.MkdirAll(filepath.Dir(abs)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upload(ctx, abs, bytes.NewReader([]byte("abs")), 0o600, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upload(ctx, "rel", bytes.NewReader([]byte("rel")), 0o600, nil); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{filepath.Join(sim.Dir(), abs): "abs", filepath.Join(sim.Dir(), "rel"): "rel"} {
		if got, err := os.ReadFile(path); err != nil || string(got) != want {
			t.Errorf("%s: %q, %v; want %q", path, got, err, want)
		}
	}
	if _, err := os.Stat(filepath.Dir(abs)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the upload to %s escaped the host's directory: %v", abs, err)
	}

	// Not "no such file", which the client turns into a bare
	// os.ErrNotExist: a failure whose message the client shows.
	_, err = sc.Stat("/rel/below-a-file")
	if err == nil || !strings.Contains(err.Error(), "/rel/below-a-file") {
		t.Fatalf("stat below a file: %v, want an error naming /rel/below-a-file", err)
	}
	if strings.Contains(err.Error(), sim.Dir()) {
		t.Errorf("stat error %q names the host's directory", err)
	}
}
