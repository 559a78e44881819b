package transport_test

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/transport"
	"github.com/fleetdeploy/fleet/transport/transporttest"
)

func TestDialer_LimitsConcurrentDials(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{HandshakeDelay: 100 * time.Millisecond})
	d := &transport.Dialer{Limit: 2}
	const hosts = 6
	var wg sync.WaitGroup
	for range hosts {
		wg.Go(func() {
			c, err := d.Dial(testContext(t), srv.Addr, cfg)
			if err != nil {
				t.Error(err)
				return
			}
			_ = c.Close()
		})
	}
	wg.Wait()
	if got := srv.Handshakes(); got != hosts {
		t.Errorf("handshakes = %d, want %d", got, hosts)
	}
	if got := srv.MaxConcurrentHandshakes(); got > 2 || got < 1 {
		t.Errorf("max concurrent handshakes = %d, want at most the limit 2", got)
	}
	t.Logf("max concurrent handshakes: %d", srv.MaxConcurrentHandshakes())
}

func TestDialer_RetriesTransientFailures(t *testing.T) {
	// A server that hangs up before the SSH banner: a transient failure.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	_, cfg := newServer(t, transporttest.ServerOptions{})
	d := &transport.Dialer{Attempts: 3, Backoff: time.Millisecond}
	_, err = d.Dial(testContext(t), ln.Addr().String(), cfg)
	if err == nil || errors.Is(err, transport.ErrNonRetryable) {
		t.Fatalf("err = %v, want a retryable failure", err)
	}
	if got := accepted.Load(); got != 3 {
		t.Errorf("connections = %d, want 3 attempts", got)
	}
}

func TestDialer_HostKeyErrorsNotRetried(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	cfg.KnownHostsFile = transporttest.WriteKnownHosts(t, transporttest.KnownHostsLine(srv.Addr, transporttest.NewKey(t).PublicKey()))
	d := &transport.Dialer{Attempts: 5, Backoff: time.Millisecond}
	if _, err := d.Dial(testContext(t), srv.Addr, cfg); !errors.Is(err, transport.ErrHostKeyMismatch) {
		t.Fatalf("err = %v, want ErrHostKeyMismatch", err)
	}
	if got := srv.Connections(); got != 1 {
		t.Errorf("connections = %d, want 1", got)
	}
}

// TestDialer_LimitsDialsThroughOneJumpHost: every host behind a bastion is
// a new connection to that one sshd, so the Dialer holds dials through it
// below OpenSSH's default MaxStartups (10), even with a larger Limit.
func TestDialer_LimitsDialsThroughOneJumpHost(t *testing.T) {
	for _, tt := range []struct {
		name      string
		jumpLimit int
		want      int
	}{
		{"default", 0, 8},
		{"set", 3, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			jump, target, cfg := jumpPairWith(t, transporttest.ServerOptions{User: "hop", HandshakeDelay: 100 * time.Millisecond})
			cfg.Jump = "hop@" + jump.Addr
			d := &transport.Dialer{Limit: 20, JumpLimit: tt.jumpLimit}
			const hosts = 20
			var wg sync.WaitGroup
			for range hosts {
				wg.Go(func() {
					c, err := d.Dial(testContext(t), target.Addr, cfg)
					if err != nil {
						t.Error(err)
						return
					}
					_ = c.Close()
				})
			}
			wg.Wait()
			if got := jump.Handshakes(); got != hosts {
				t.Errorf("jump handshakes = %d, want %d", got, hosts)
			}
			if got := jump.MaxConcurrentHandshakes(); got > tt.want || got < 2 {
				t.Errorf("at most %d handshakes at once at the jump host, want 2..%d", got, tt.want)
			}
			t.Logf("max concurrent handshakes at the jump host: %d", jump.MaxConcurrentHandshakes())
		})
	}
}
