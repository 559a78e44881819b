package transport_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/transport"
	"github.com/fleetdeploy/fleet/transport/transporttest"
	"golang.org/x/crypto/ssh"
)

func TestDial_StrictKnownHost(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	c := dial(t, srv, cfg)
	if got := runOut(t, c, "echo hello"); got != "hello\n" {
		t.Errorf("stdout = %q, want %q", got, "hello\n")
	}
	if got, want := c.String(), "@"+srv.Addr; !strings.HasSuffix(got, want) {
		t.Errorf("String() = %q, want suffix %q", got, want)
	}
}

func TestDial_ReusesOneConnection(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{Root: t.TempDir()})
	c := dial(t, srv, cfg)
	for range 5 {
		runOut(t, c, "echo hi")
	}
	if _, err := c.Upload(testContext(t), "f", strings.NewReader("x"), 0o644, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Stat(testContext(t), "f"); err != nil {
		t.Fatal(err)
	}
	if got := srv.Handshakes(); got != 1 {
		t.Errorf("handshakes = %d, want 1 for 5 runs and SFTP", got)
	}
}

func TestDial_UnknownHostRefused(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	cfg.KnownHostsFile = transporttest.WriteKnownHosts(t) // empty
	_, err := transport.Dial(testContext(t), srv.Addr, cfg)
	if !errors.Is(err, transport.ErrHostKeyUnknown) || !errors.Is(err, transport.ErrNonRetryable) {
		t.Fatalf("err = %v, want ErrHostKeyUnknown and ErrNonRetryable", err)
	}
	key := srv.HostKeys()[0]
	for _, want := range []string{"[127.0.0.1]:", key.Type(), ssh.FingerprintSHA256(key), cfg.KnownHostsFile} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	// The retry tag is for the dialer, not the operator.
	if strings.Contains(err.Error(), transport.ErrNonRetryable.Error()) {
		t.Errorf("error %q prints the internal retry tag", err)
	}
}

func TestDial_StrictNeedsExistingKnownHosts(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	cfg.KnownHostsFile = filepath.Join(t.TempDir(), "missing")
	_, err := transport.Dial(testContext(t), srv.Addr, cfg)
	if !errors.Is(err, os.ErrNotExist) || !errors.Is(err, transport.ErrNonRetryable) {
		t.Fatalf("err = %v, want a non-retryable not-exist error", err)
	}
	// Which file, for which host: what the CLI's hint needs to say how to
	// record the key (cmd/fleet/hostkeyhint.go).
	var khErr *transport.KnownHostsError
	if !errors.As(err, &khErr) || khErr.File != cfg.KnownHostsFile || khErr.Host != "127.0.0.1" || khErr.Port != srv.Port() {
		t.Fatalf("err = %#v, want a *KnownHostsError for %s, 127.0.0.1 port %d", err, cfg.KnownHostsFile, srv.Port())
	}
	if want := "known_hosts file " + cfg.KnownHostsFile + " does not exist"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if _, err := new(transport.Dialer).Dial(testContext(t), srv.Addr, cfg); !errors.As(err, &khErr) {
		t.Errorf("Dialer (cached known_hosts): err = %v, want a *KnownHostsError", err)
	}
	cfg.KnownHostsFile = ""
	if _, err := transport.Dial(testContext(t), srv.Addr, cfg); !errors.Is(err, transport.ErrNonRetryable) {
		t.Fatalf("empty KnownHostsFile: err = %v, want ErrNonRetryable", err)
	}
	if srv.Connections() != 0 {
		t.Errorf("connections = %d, want 0: config errors must not dial", srv.Connections())
	}
}

func TestDial_ChangedKeyRefused(t *testing.T) {
	root := t.TempDir()
	var ran atomic.Int32
	srv, cfg := newServer(t, transporttest.ServerOptions{Root: root, Exec: func(context.Context, string, io.Reader, io.Writer, io.Writer) int {
		ran.Add(1)
		return 0
	}})
	impostor := transporttest.NewKey(t).PublicKey()
	cfg.KnownHostsFile = transporttest.WriteKnownHosts(t, "# fleet hosts", transporttest.KnownHostsLine(srv.Addr, impostor))

	_, err := transport.Dial(testContext(t), srv.Addr, cfg)
	if !errors.Is(err, transport.ErrHostKeyMismatch) || !errors.Is(err, transport.ErrNonRetryable) {
		t.Fatalf("err = %v, want ErrHostKeyMismatch and ErrNonRetryable", err)
	}
	var hkErr *transport.HostKeyError
	if !errors.As(err, &hkErr) {
		t.Fatalf("err = %v, want a *HostKeyError", err)
	}
	presented := srv.HostKeys()[0]
	if hkErr.Fingerprint != ssh.FingerprintSHA256(presented) || hkErr.KeyType != presented.Type() {
		t.Errorf("HostKeyError names %s %s, want the presented %s key", hkErr.KeyType, hkErr.Fingerprint, presented.Type())
	}
	if want := cfg.KnownHostsFile + ":2: ssh-ed25519 " + ssh.FingerprintSHA256(impostor); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name the recorded entry %q", err, want)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 || ran.Load() != 0 || srv.Handshakes() != 0 {
		t.Errorf("after a refused key: %d files uploaded, %d commands, %d handshakes; want nothing", len(entries), ran.Load(), srv.Handshakes())
	}
}

func TestDial_AcceptNew(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	cfg.KnownHostsFile = filepath.Join(t.TempDir(), "known_hosts") // does not exist yet
	cfg.HostKeyMode = transport.HostKeyAcceptNew

	c := dial(t, srv, cfg)
	runOut(t, c, "echo first")
	data, err := os.ReadFile(cfg.KnownHostsFile)
	if err != nil {
		t.Fatal(err)
	}
	if want := srv.KnownHostsLine() + "\n"; string(data) != want {
		t.Fatalf("known_hosts = %q, want %q", data, want)
	}

	strict := cfg
	strict.HostKeyMode = transport.HostKeyStrict
	dial(t, srv, strict) // the recorded key now passes strict mode

	srv.RotateHostKeys()
	_, err = transport.Dial(testContext(t), srv.Addr, cfg)
	if !errors.Is(err, transport.ErrHostKeyMismatch) {
		t.Fatalf("changed key in accept-new mode: err = %v, want ErrHostKeyMismatch", err)
	}
	after, _ := os.ReadFile(cfg.KnownHostsFile)
	if string(after) != string(data) {
		t.Errorf("known_hosts changed after a refused key:\n%s", after)
	}
}

func TestDial_AcceptNewConcurrentAppendsOnce(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	cfg.KnownHostsFile = transporttest.WriteKnownHosts(t, "# no newline at end")
	if err := os.WriteFile(cfg.KnownHostsFile, []byte("# no newline at end"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.HostKeyMode = transport.HostKeyAcceptNew
	errs := make(chan error, 4)
	for range cap(errs) {
		go func() {
			c, err := transport.Dial(testContext(t), srv.Addr, cfg)
			if err == nil {
				err = c.Close()
			}
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	data, _ := os.ReadFile(cfg.KnownHostsFile)
	if want := "# no newline at end\n" + srv.KnownHostsLine() + "\n"; string(data) != want {
		t.Errorf("known_hosts = %q, want %q", data, want)
	}
}

func TestDial_AuthFailure(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	other, _ := transporttest.WriteKeyFile(t)
	cfg.IdentityFiles = []string{other}
	d := &transport.Dialer{Attempts: 3, Backoff: time.Millisecond}
	_, err := d.Dial(testContext(t), srv.Addr, cfg)
	if !errors.Is(err, transport.ErrAuthFailed) || !errors.Is(err, transport.ErrNonRetryable) {
		t.Fatalf("err = %v, want ErrAuthFailed and ErrNonRetryable", err)
	}
	if got := srv.Connections(); got != 1 {
		t.Errorf("connections = %d, want 1: auth failures must not be retried", got)
	}
}

func TestDial_MissingExplicitIdentityFile(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	cfg.IdentityFiles = []string{filepath.Join(t.TempDir(), "nope")}
	_, err := transport.Dial(testContext(t), srv.Addr, cfg)
	if !errors.Is(err, os.ErrNotExist) || !errors.Is(err, transport.ErrNonRetryable) {
		t.Fatalf("err = %v, want non-retryable not-exist", err)
	}
}

func TestDial_HonoursContext(t *testing.T) {
	// A listener that accepts and never speaks: the handshake would wait forever.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	cfg.KnownHostsFile = transporttest.WriteKnownHosts(t, transporttest.KnownHostsLine(ln.Addr().String(), srv.HostKeys()[0]))

	ctx, cancel := context.WithTimeout(testContext(t), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = transport.Dial(ctx, ln.Addr().String(), cfg)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %s, want DeadlineExceeded soon after 200ms", err, time.Since(start))
	}

	cfg.ConnectTimeout = 200 * time.Millisecond
	start = time.Now()
	_, err = transport.Dial(testContext(t), ln.Addr().String(), cfg)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "connect timeout") || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %s, want a connect timeout soon after 200ms", err, time.Since(start))
	}
}

func TestClient_CloseIsIdempotent(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	c := dial(t, srv, cfg)
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := c.Run(testContext(t), "echo x", nil, nil, nil); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Run after Close: err = %v, want net.ErrClosed", err)
	}
}
