package transporttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/transport"
	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// ExecFunc handles one exec request: it runs cmd with the session's streams
// and returns the exit status. It must return once ctx is done (the client
// closed the session, sent a signal, or the server is closing).
type ExecFunc func(ctx context.Context, cmd string, stdin io.Reader, stdout, stderr io.Writer) int

// ServerOptions configures a Server. The zero value is a server whose
// commands all fail with status 127 and whose SFTP is in memory.
type ServerOptions struct {
	// Exec handles exec requests; nil fails every command with status 127.
	Exec ExecFunc
	// Root is the directory SFTP serves, for relative paths (absolute
	// paths are the real filesystem's). "" serves an in-memory filesystem
	// shared by all sessions of this server.
	Root string
	// SFTPHandlers, if set, serve SFTP instead (pkg/sftp's request
	// server), with relative paths resolved against Root; the request
	// paths they see are absolute.
	SFTPHandlers *sftp.Handlers
	// RSAHostKey adds an RSA host key next to the ed25519 one, to test
	// host key algorithm negotiation.
	RSAHostKey bool
	// User, if set, is the only user that may log in.
	User string
	// AuthorizedKeys are accepted in addition to the generated client key.
	AuthorizedKeys []ssh.PublicKey
	// HostCertAuthority, if set, signs a host certificate for the ed25519
	// key (principal 127.0.0.1), which the server offers too.
	HostCertAuthority ssh.Signer
	// HandshakeDelay holds each new connection this long before the SSH
	// handshake; MaxConcurrentHandshakes counts connections inside it.
	HandshakeDelay time.Duration
	// Listen is the address to listen on; "" means "127.0.0.1:0". A
	// simulated fleet gives each host its own loopback address
	// (127.x.y.z) so that each can serve on the same port, as real hosts
	// do.
	Listen string
}

// Server is an SSH server on 127.0.0.1 with public key auth, exec, SFTP and
// direct-tcpip forwarding to loopback addresses (so it can be a jump host).
// NewServer registers its Close with t.Cleanup.
type Server struct {
	// Addr is "127.0.0.1:port" (or ServerOptions.Listen's address).
	Addr string
	// ClientKeyFile is an unencrypted private key the server accepts.
	ClientKeyFile string
	// ClientSigner is the same key.
	ClientSigner ssh.Signer

	t     testing.TB
	opts  ServerOptions
	ln    net.Listener
	memFS sftp.Handlers
	done  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup

	received atomic.Int64 // bytes read from clients, SSH framing included

	mu          sync.Mutex
	hostKeys    []ssh.Signer
	conns       map[net.Conn]struct{} // accepted and not yet finished
	logins      []string
	handshakes  int
	accepted    int
	waiting     int // connections inside HandshakeDelay
	maxWaiting  int
	established int
}

// NewServer starts a server for the duration of the test.
func NewServer(t testing.TB, opts ServerOptions) *Server {
	t.Helper()
	s := &Server{
		t:     t,
		opts:  opts,
		memFS: sftp.InMemHandler(),
		done:  make(chan struct{}),
		conns: map[net.Conn]struct{}{},
	}
	s.ClientKeyFile, s.ClientSigner = WriteKeyFile(t)
	s.hostKeys = newHostKeys(t, opts)
	addr := opts.Listen
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("transporttest: listen: %v", err)
	}
	s.ln, s.Addr = ln, ln.Addr().String()
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func newHostKeys(t testing.TB, opts ServerOptions) []ssh.Signer {
	keys := []ssh.Signer{NewKey(t)}
	if opts.RSAHostKey {
		keys = append(keys, NewRSAKey(t))
	}
	if opts.HostCertAuthority != nil {
		keys = append(keys, hostCert(t, keys[0], opts.HostCertAuthority))
	}
	return keys
}

// Port is the port of Addr.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr)
	n, _ := strconv.Atoi(p)
	return n
}

// HostKeys returns the current host public keys: ed25519 first, then RSA
// and the certificate if the options ask for them.
func (s *Server) HostKeys() []ssh.PublicKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	var pubs []ssh.PublicKey
	for _, k := range s.hostKeys {
		pubs = append(pubs, k.PublicKey())
	}
	return pubs
}

// KnownHostsLine is the known_hosts line for the server's ed25519 key.
func (s *Server) KnownHostsLine() string {
	return KnownHostsLine(s.Addr, s.HostKeys()[0])
}

// RotateHostKeys replaces the host keys (same types) for new connections,
// as a reinstalled host or an impostor would present.
func (s *Server) RotateHostKeys() {
	keys := newHostKeys(s.t, s.opts)
	s.mu.Lock()
	s.hostKeys = keys
	s.mu.Unlock()
}

// ClientConfig returns a transport.Config that trusts this server (strict
// mode, a known_hosts file holding KnownHostsLine), logs in with
// ClientKeyFile, ignores ~/.ssh/config and the agent, and logs to the test.
func (s *Server) ClientConfig(t testing.TB) transport.Config {
	t.Helper()
	return transport.Config{
		IdentityFiles:  []string{s.ClientKeyFile},
		KnownHostsFile: WriteKnownHosts(t, s.KnownHostsLine()),
		HostKeyMode:    transport.HostKeyStrict,
		SSHConfigFile:  "none",
		Logger:         slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

// Close stops the server and closes every connection; it waits for all of
// the server's goroutines, Exec handlers included.
func (s *Server) Close() error {
	s.once.Do(func() {
		close(s.done)
		_ = s.ln.Close()
		s.mu.Lock()
		for c := range s.conns {
			_ = c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return nil
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return // closed
		}
		s.mu.Lock()
		select {
		case <-s.done:
			s.mu.Unlock()
			_ = nc.Close()
			return
		default:
		}
		s.accepted++
		s.conns[nc] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.handleConn(nc)
	}
}

func (s *Server) handleConn(nc net.Conn) {
	defer s.wg.Done()
	defer func() {
		_ = nc.Close()
		s.mu.Lock()
		delete(s.conns, nc)
		s.mu.Unlock()
	}()
	if !s.delay() {
		return
	}
	_, chans, reqs, err := ssh.NewServerConn(countingConn{nc, &s.received}, s.serverConfig())
	if err != nil {
		return // refused auth or host key: the client reports it
	}
	s.mu.Lock()
	s.established++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.established--
		s.mu.Unlock()
	}()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ssh.DiscardRequests(reqs) // keepalives get a "failure" reply
	}()
	for nch := range chans {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.handleChannel(nch)
		}()
	}
}

// delay holds a new connection for HandshakeDelay; false if the server
// closed meanwhile.
func (s *Server) delay() bool {
	if s.opts.HandshakeDelay <= 0 {
		return true
	}
	s.mu.Lock()
	s.waiting++
	s.maxWaiting = max(s.maxWaiting, s.waiting)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.waiting--
		s.mu.Unlock()
	}()
	t := time.NewTimer(s.opts.HandshakeDelay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}

func (s *Server) serverConfig() *ssh.ServerConfig {
	cfg := &ssh.ServerConfig{PublicKeyCallback: s.checkKey}
	s.mu.Lock()
	for _, k := range s.hostKeys {
		cfg.AddHostKey(k)
	}
	s.mu.Unlock()
	return cfg
}

var errUnauthorized = errors.New("transporttest: unauthorized")

func (s *Server) checkKey(meta ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
	if s.opts.User != "" && meta.User() != s.opts.User {
		return nil, fmt.Errorf("%w: user %q", errUnauthorized, meta.User())
	}
	for _, k := range append([]ssh.PublicKey{s.ClientSigner.PublicKey()}, s.opts.AuthorizedKeys...) {
		if bytes.Equal(k.Marshal(), key.Marshal()) {
			// Counted here, before the server sends "auth success", so a
			// test that saw Dial return also sees the count.
			s.mu.Lock()
			s.handshakes++
			s.logins = append(s.logins, meta.User())
			s.mu.Unlock()
			return &ssh.Permissions{}, nil
		}
	}
	return nil, fmt.Errorf("%w: key %s", errUnauthorized, ssh.FingerprintSHA256(key))
}

func (s *Server) handleChannel(nch ssh.NewChannel) {
	switch nch.ChannelType() {
	case "session":
		s.handleSession(nch)
	case "direct-tcpip":
		s.handleDirectTCPIP(nch)
	default:
		_ = nch.Reject(ssh.UnknownChannelType, "transporttest: unsupported channel type")
	}
}
