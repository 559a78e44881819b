package transporttest

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// rsaBits is the smallest RSA size Go accepts without GODEBUG overrides.
const rsaBits = 2048

// NewKey returns a fresh ed25519 signer.
func NewKey(t testing.TB) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("generate ed25519 key: %v", err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatalf("ed25519 signer: %v", err)
	}
	return s
}

// NewRSAKey returns a fresh 2048-bit RSA signer.
func NewRSAKey(t testing.TB) ssh.Signer {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, rsaBits)
	if err != nil {
		t.Fatalf("generate rsa key: %v", err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatalf("rsa signer: %v", err)
	}
	return s
}

// WriteKeyFile writes a fresh unencrypted ed25519 private key in OpenSSH
// format under t.TempDir and returns its path and signer.
func WriteKeyFile(t testing.TB) (string, ssh.Signer) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("generate ed25519 key: %v", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "transporttest")
	if err != nil {
		t.Fatalf("marshal private key: %v", err)
	}
	path := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatalf("write key file: %v", err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatalf("ed25519 signer: %v", err)
	}
	return path, signer
}

// KnownHostsLine is the known_hosts line recording key for addr.
func KnownHostsLine(addr string, key ssh.PublicKey) string {
	return knownhosts.Line([]string{addr}, key)
}

// WriteKnownHosts writes lines to a known_hosts file under t.TempDir and
// returns its path.
func WriteKnownHosts(t testing.TB, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "known_hosts")
	var data string
	if len(lines) > 0 {
		data = strings.Join(lines, "\n") + "\n"
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatalf("write known_hosts: %v", err)
	}
	return path
}

// hostCert certifies key as a host key for 127.0.0.1, signed by ca.
func hostCert(t testing.TB, key, ca ssh.Signer) ssh.Signer {
	t.Helper()
	cert := &ssh.Certificate{
		Key:             key.PublicKey(),
		CertType:        ssh.HostCert,
		KeyId:           "transporttest",
		ValidPrincipals: []string{"127.0.0.1"},
		ValidBefore:     ssh.CertTimeInfinity,
	}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatalf("sign host certificate: %v", err)
	}
	s, err := ssh.NewCertSigner(cert, key)
	if err != nil {
		t.Fatalf("certificate signer: %v", err)
	}
	return s
}
