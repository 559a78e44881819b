package transport_test

import (
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/fleetdeploy/fleet/transport"
	"github.com/fleetdeploy/fleet/transport/transporttest"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// The server has ed25519 and RSA host keys; known_hosts records one of them.
// Go's default preference puts RSA before ed25519, so recording only
// ed25519 (what OpenSSH does) is the case that needs HostKeyAlgorithms.
func TestDial_HostKeyAlgorithmsFollowKnownHosts(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{RSAHostKey: true})
	keys := srv.HostKeys()
	ed, rsa := keys[0], keys[1]
	if ed.Type() != ssh.KeyAlgoED25519 || rsa.Type() != ssh.KeyAlgoRSA {
		t.Fatalf("server host keys = %s, %s; want ed25519 then rsa", ed.Type(), rsa.Type())
	}
	hashed := knownhosts.HashHostname(knownhosts.Normalize(srv.Addr))
	cases := []struct {
		name string
		line string
	}{
		{"only ed25519 recorded", transporttest.KnownHostsLine(srv.Addr, ed)},
		{"only rsa recorded", transporttest.KnownHostsLine(srv.Addr, rsa)},
		{"hashed ed25519 entry", hashed + " " + string(ssh.MarshalAuthorizedKey(ed))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := cfg
			cfg.KnownHostsFile = transporttest.WriteKnownHosts(t, tc.line)
			c := dial(t, srv, cfg)
			runOut(t, c, "echo ok")
		})
	}
}

// TestGoDefaultAlgorithmsMismatch documents the bug the feature fixes: plain
// x/crypto with the same known_hosts picks RSA and fails verification.
func TestGoDefaultAlgorithmsMismatch(t *testing.T) {
	srv, _ := newServer(t, transporttest.ServerOptions{RSAHostKey: true})
	cb, err := knownhosts.New(transporttest.WriteKnownHosts(t, srv.KnownHostsLine()))
	if err != nil {
		t.Fatal(err)
	}
	conf := &ssh.ClientConfig{
		User:            "root",
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(srv.ClientSigner)},
		HostKeyCallback: cb,
	}
	conn, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	sc, _, _, err := ssh.NewClientConn(conn, srv.Addr, conf)
	if err == nil {
		sc.Close()
		t.Skip("x/crypto now prefers ed25519 by default; the algorithm fix is no longer load-bearing")
	}
	t.Logf("without HostKeyAlgorithms: %v", err)
}

// A host known only through an @cert-authority line is reached with its
// certificate, which needs the certificate algorithms offered.
func TestDial_HostCertificate(t *testing.T) {
	ca := transporttest.NewKey(t)
	srv, cfg := newServer(t, transporttest.ServerOptions{HostCertAuthority: ca})
	caLine := fmt.Sprintf("@cert-authority [127.0.0.1]:%d %s", srv.Port(), ssh.MarshalAuthorizedKey(ca.PublicKey()))
	cfg.KnownHostsFile = transporttest.WriteKnownHosts(t, caLine)
	c := dial(t, srv, cfg)
	runOut(t, c, "echo certified")

	other := transporttest.NewKey(t) // a CA that did not sign the host
	cfg.KnownHostsFile = transporttest.WriteKnownHosts(t,
		fmt.Sprintf("@cert-authority [127.0.0.1]:%d %s", srv.Port(), ssh.MarshalAuthorizedKey(other.PublicKey())))
	if _, err := transport.Dial(testContext(t), srv.Addr, cfg); !errors.Is(err, transport.ErrHostKeyMismatch) {
		t.Fatalf("certificate from an untrusted CA: err = %v, want ErrHostKeyMismatch", err)
	}
}
