package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fleetdeploy/fleet/bundle"
	"github.com/fleetdeploy/fleet/transport"
	"github.com/fleetdeploy/fleet/transport/transporttest"
)

// installFixture is an agent binary on the controller and the commands
// installAgent runs for it.
type installFixture struct {
	bin, sum, path, verify string
	data                   []byte
}

func newInstallFixture(t *testing.T) installFixture {
	t.Helper()
	data := []byte("#!/bin/false\nagent\n")
	bin := filepath.Join(t.TempDir(), "fleet-linux-amd64")
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	sum, err := bundle.FileSHA256(bin)
	if err != nil {
		t.Fatal(err)
	}
	path := ".fleet/bin/fleet-" + sum
	verify := fmt.Sprintf("printf '%%s  %%s\\n' %s %s | sha256sum --status -c -", sum, path)
	return installFixture{bin: bin, sum: sum, path: path, verify: verify, data: data}
}

// verifyFails answers the checksum command with a mismatch (exit 1) the
// first fails times, then with a match.
func verifyFails(fails int) transporttest.Handler {
	var calls atomic.Int32
	return func(ctx context.Context, cmd string, stdin io.Reader, stdout, stderr io.Writer) error {
		if int(calls.Add(1)) <= fails {
			return &transport.ExitError{Code: 1}
		}
		return nil
	}
}

// TestInstallAgent_UploadsOnceThenVerifies: on a host without the agent,
// the binary for `uname -m` goes to a temporary name, is renamed to its
// content address and checked again; on a host that has it, nothing is
// uploaded.
func TestInstallAgent_UploadsOnceThenVerifies(t *testing.T) {
	fx := newInstallFixture(t)
	c := transporttest.NewConn("deploy@web1:22").
		On(transporttest.Equal("uname -m"), transporttest.Reply("x86_64\n")).
		On(transporttest.Equal(fx.verify), verifyFails(1))
	ra, err := installAgent(t.Context(), c, fx.bin, &fileSums{})
	if err != nil {
		t.Fatal(err)
	}
	if ra.path != fx.path || ra.sha256 != fx.sum {
		t.Errorf("remote agent %+v", ra)
	}
	transporttest.ReceivedEqual(t, c, "uname -m", fx.verify, fx.verify)
	ups := c.Uploads()
	if len(ups) != 1 || !strings.HasPrefix(ups[0].Dst, fx.path+".tmp-") || ups[0].Mode != 0o755 || string(ups[0].Data) != string(fx.data) {
		t.Fatalf("uploads %+v", ups)
	}
	want := []string{"mkdir .fleet/bin", "rename " + ups[0].Dst + " " + fx.path}
	if got := fileOps(c); !slices.Equal(got, want) {
		t.Errorf("file ops %q, want %q", got, want)
	}

	again := transporttest.NewConn("deploy@web1:22").
		On(transporttest.Equal("uname -m"), transporttest.Reply("x86_64\n")).
		On(transporttest.Equal(fx.verify), transporttest.Reply(""))
	if _, err := installAgent(t.Context(), again, fx.bin, nil); err != nil {
		t.Fatal(err)
	}
	transporttest.ReceivedEqual(t, again, "uname -m", fx.verify)
	if len(again.Uploads()) != 0 || len(again.FileOps()) != 0 {
		t.Errorf("agent already there, yet uploads %+v, file ops %q", again.Uploads(), fileOps(again))
	}
}

// TestInstallAgent_Failures: an unknown machine stops before any upload;
// a failed rename removes the temporary file; a binary that still fails
// its checksum after the upload is an error that says so.
func TestInstallAgent_Failures(t *testing.T) {
	fx := newInstallFixture(t)
	t.Run("unknown machine", func(t *testing.T) {
		c := transporttest.NewConn("web1").On(transporttest.Equal("uname -m"), transporttest.Reply("sparc64\n"))
		_, err := installAgent(t.Context(), c, fx.bin, nil)
		if err == nil || !strings.Contains(err.Error(), `unsupported machine "sparc64"`) {
			t.Errorf("error %v", err)
		}
		transporttest.ReceivedEqual(t, c, "uname -m")
		if len(c.Uploads()) != 0 {
			t.Errorf("uploaded %+v", c.Uploads())
		}
	})
	t.Run("rename fails", func(t *testing.T) {
		boom := errors.New("rename .fleet/bin/x: permission denied")
		c := transporttest.NewConn("web1").
			On(transporttest.Equal("uname -m"), transporttest.Reply("aarch64\n")).
			On(transporttest.Equal(fx.verify), verifyFails(1))
		c.FileFn = func(_ context.Context, op transporttest.FileOp) error {
			if op.Op == "rename" {
				return boom
			}
			return nil
		}
		if _, err := installAgent(t.Context(), c, fx.bin, nil); !errors.Is(err, boom) {
			t.Fatalf("error %v, want %v", err, boom)
		}
		tmp := c.Uploads()[0].Dst
		want := []string{"mkdir .fleet/bin", "rename " + tmp + " " + fx.path, "remove " + tmp}
		if got := fileOps(c); !slices.Equal(got, want) {
			t.Errorf("file ops %q, want %q", got, want)
		}
	})
	t.Run("checksum fails after the upload", func(t *testing.T) {
		c := transporttest.NewConn("web1").
			On(transporttest.Equal("uname -m"), transporttest.Reply("x86_64\n")).
			On(transporttest.Equal(fx.verify), verifyFails(2))
		_, err := installAgent(t.Context(), c, fx.bin, nil)
		if err == nil || !strings.Contains(err.Error(), "verify "+fx.path+" after upload") {
			t.Errorf("error %v", err)
		}
	})
}

func fileOps(c *transporttest.Conn) []string {
	var out []string
	for _, op := range c.FileOps() {
		out = append(out, op.String())
	}
	return out
}
