package transport_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/transport"
	"github.com/fleetdeploy/fleet/transport/transporttest"
)

func TestRun_ExitError(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	c := dial(t, srv, cfg)
	var stderr strings.Builder
	err := c.Run(testContext(t), "fail 3 disk full", nil, nil, &stderr)
	var exit *transport.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("err = %v, want *ExitError", err)
	}
	if exit.Code != 3 || exit.Stderr != "disk full\n" {
		t.Errorf("ExitError = %+v, want code 3, stderr %q", exit, "disk full\n")
	}
	if stderr.String() != "disk full\n" {
		t.Errorf("stderr writer got %q", stderr.String())
	}
	if !strings.Contains(err.Error(), "exit status 3: disk full") {
		t.Errorf("error text %q lacks status and last stderr line", err)
	}
}

func TestRun_Stdin(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	c := dial(t, srv, cfg)
	var out strings.Builder
	if err := c.Run(testContext(t), "cat", strings.NewReader("piped\n"), &out, nil); err != nil {
		t.Fatal(err)
	}
	if out.String() != "piped\n" {
		t.Errorf("stdout = %q", out.String())
	}
}

func TestRun_StderrTailIsBounded(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	c := dial(t, srv, cfg)
	err := c.Run(testContext(t), "flood 100000", nil, nil, nil)
	var exit *transport.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("err = %v, want *ExitError", err)
	}
	if len(exit.Stderr) != 4096 || !strings.HasSuffix(exit.Stderr, "xtail end\n") {
		t.Errorf("Stderr: %d bytes ending %q; want the last 4096", len(exit.Stderr), exit.Stderr[max(0, len(exit.Stderr)-12):])
	}
}

func TestRun_ContextCancel(t *testing.T) {
	stopped := make(chan struct{})
	srv, cfg := newServer(t, transporttest.ServerOptions{Exec: func(ctx context.Context, cmd string, stdin io.Reader, stdout, stderr io.Writer) int {
		if cmd != "block" {
			return shell(ctx, cmd, stdin, stdout, stderr)
		}
		<-ctx.Done()
		close(stopped)
		return 143
	}})
	c := dial(t, srv, cfg)
	ctx, cancel := context.WithCancel(testContext(t))
	time.AfterFunc(100*time.Millisecond, cancel)
	err := c.Run(ctx, "block", nil, nil, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("remote command was not signalled")
	}
	runOut(t, c, "echo still usable") // the connection outlives the session
}
