package transport_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/transport"
	"github.com/fleetdeploy/fleet/transport/transporttest"
)

func TestStart_RoundTrip(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	c := dial(t, srv, cfg)
	p, err := c.Start(testContext(t), "lines")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, p.Stderr) }()
	out := bufio.NewReader(p.Stdout)
	for _, msg := range []string{"hello", "again", "bye"} {
		if _, err := io.WriteString(p.Stdin, msg+"\n"); err != nil {
			t.Fatal(err)
		}
		line, err := out.ReadString('\n')
		if err != nil {
			t.Fatalf("reading reply to %q: %v (got %q)", msg, err, line)
		}
		if want := "got " + msg + "\n"; line != want {
			t.Errorf("read %q, want %q", line, want)
		}
	}
	if err := p.Stdin.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, out); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(); err != nil {
		t.Fatalf("Wait: %v", err)
	}
}

func TestStart_StdinEOFEndsCommand(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	c := dial(t, srv, cfg)
	p, err := c.Start(testContext(t), "fail 4 no more input")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, p.Stdout) }()
	go func() { _, _ = io.Copy(io.Discard, p.Stderr) }()
	var exit *transport.ExitError
	if err := p.Wait(); !errors.As(err, &exit) || exit.Code != 4 {
		t.Fatalf("Wait: %v, want exit status 4", err)
	}
}

func TestStart_ContextEndsProcess(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	c := dial(t, srv, cfg)
	ctx, cancel := context.WithCancel(testContext(t))
	p, err := c.Start(ctx, "block")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, p.Stdout) }()
	go func() { _, _ = io.Copy(io.Discard, p.Stderr) }()
	time.AfterFunc(50*time.Millisecond, cancel)
	if err := p.Wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait: %v, want context.Canceled", err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("Close after Wait: %v", err)
	}
}
