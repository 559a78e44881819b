package transporttest_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/transport"
	"github.com/fleetdeploy/fleet/transport/transporttest"
)

var _ transport.Conn = (*transporttest.Conn)(nil)

func TestConn_ScriptedHandlers(t *testing.T) {
	ctx := t.Context()
	boom := errors.New("connection reset")
	c := transporttest.NewConn("deploy@web1:22").
		On(transporttest.Equal("uname -m"), transporttest.Reply("x86_64\n")).
		On(transporttest.HasPrefix("sha256sum "), transporttest.Exit(1, "sha256sum: no such file")).
		On(transporttest.Match(`^systemctl (start|stop) \S+$`), transporttest.Reply("")).
		On(transporttest.Equal("flaky"), transporttest.Fail(boom))

	var out strings.Builder
	if err := c.Run(ctx, "uname -m", nil, &out, nil); err != nil || out.String() != "x86_64\n" {
		t.Errorf("uname: %q, %v", out.String(), err)
	}
	var exit *transport.ExitError
	if err := c.Run(ctx, "sha256sum /x", nil, nil, nil); !errors.As(err, &exit) || exit.Code != 1 {
		t.Errorf("sha256sum: %v, want exit 1", err)
	}
	if err := c.Run(ctx, "systemctl start hello", nil, nil, nil); err != nil {
		t.Errorf("systemctl: %v", err)
	}
	if err := c.Run(ctx, "flaky", nil, nil, nil); !errors.Is(err, boom) {
		t.Errorf("flaky: %v, want %v", err, boom)
	}
	if err := c.Run(ctx, "rm -rf /", nil, nil, nil); !errors.Is(err, transporttest.ErrUnexpectedCommand) {
		t.Errorf("unmatched: %v, want ErrUnexpectedCommand", err)
	}
	transporttest.ReceivedEqual(t, c, "uname -m", "sha256sum /x", "systemctl start hello", "flaky", "rm -rf /")
	if c.String() != "deploy@web1:22" {
		t.Errorf("String() = %q", c.String())
	}
}

func TestConn_FirstMatchWins(t *testing.T) {
	c := transporttest.NewConn("").
		On(transporttest.HasPrefix("ls"), transporttest.Reply("first")).
		On(transporttest.Any(), transporttest.Reply("second"))
	var out strings.Builder
	_ = c.Run(t.Context(), "ls -l", nil, &out, nil)
	if out.String() != "first" {
		t.Errorf("got %q, want the first registered handler", out.String())
	}
}

func TestConn_RecordsUploads(t *testing.T) {
	full := errors.New("disk full")
	c := &transporttest.Conn{UploadFn: func(_ context.Context, dst string, _ []byte, _ fs.FileMode) error {
		if dst == "/full" {
			return full
		}
		return nil
	}}
	var progress int64
	n, err := c.Upload(t.Context(), "/opt/app/.incoming/1.part", strings.NewReader("binary"), 0o755, func(w int64) { progress = w })
	if err != nil || n != 6 || progress != 6 {
		t.Errorf("Upload = %d, %v; progress %d", n, err, progress)
	}
	if _, err := c.Upload(t.Context(), "/full", strings.NewReader("x"), 0o644, nil); !errors.Is(err, full) {
		t.Errorf("UploadFn error not returned: %v", err)
	}
	ups := c.Uploads()
	if len(ups) != 2 || ups[0].Dst != "/opt/app/.incoming/1.part" || string(ups[0].Data) != "binary" || ups[0].Mode != 0o755 {
		t.Errorf("uploads = %+v", ups)
	}
	if err := c.Close(); err != nil || !c.Closed() {
		t.Errorf("Close: %v, closed %v", err, c.Closed())
	}
}

// ReceivedEqual reports a mismatch through t.
func TestReceivedEqual_Mismatch(t *testing.T) {
	c := transporttest.NewConn("h")
	_ = c.Run(t.Context(), "a", nil, nil, nil)
	ft := &fakeTB{TB: t}
	transporttest.ReceivedEqual(ft, c, "b")
	if !ft.failed {
		t.Error("ReceivedEqual did not fail on a different command list")
	}
}

type fakeTB struct {
	testing.TB
	failed bool
}

func (f *fakeTB) Errorf(string, ...any) { f.failed = true }
func (f *fakeTB) Helper()               {}

// TestConn_FileOps: MkdirAll, Rename and Remove are recorded in order,
// and FileFn's error is returned for the one it refuses.
func TestConn_FileOps(t *testing.T) {
	ctx := t.Context()
	boom := errors.New("permission denied")
	c := transporttest.NewConn("web1")
	c.FileFn = func(_ context.Context, op transporttest.FileOp) error {
		if op.Op == "remove" {
			return boom
		}
		return nil
	}
	if err := c.MkdirAll(ctx, ".fleet/bin"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rename(ctx, "a.tmp", "a"); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove(ctx, "b"); !errors.Is(err, boom) {
		t.Errorf("remove: %v, want %v", err, boom)
	}
	var got []string
	for _, op := range c.FileOps() {
		got = append(got, op.String())
	}
	if want := []string{"mkdir .fleet/bin", "rename a.tmp a", "remove b"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("file ops %q, want %q", got, want)
	}
}
