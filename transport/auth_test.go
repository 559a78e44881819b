package transport_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetdeploy/fleet/transport"
	"github.com/fleetdeploy/fleet/transport/transporttest"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// isolateHome points HOME at an empty directory so that OpenSSH's default
// key files of whoever runs the tests are not picked up.
func isolateHome(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
}

func TestDial_AgentKeys(t *testing.T) {
	isolateHome(t)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: priv}); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	ln, err := net.Listen("unix", sock)
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
			go func() {
				defer c.Close()
				_ = agent.ServeAgent(keyring, c)
			}()
		}
	}()
	t.Setenv("SSH_AUTH_SOCK", sock)

	srv, cfg := newServer(t, transporttest.ServerOptions{AuthorizedKeys: []ssh.PublicKey{signer.PublicKey()}})
	cfg.IdentityFiles = nil
	cfg.UseAgent = true
	c := dial(t, srv, cfg)
	runOut(t, c, "echo agent")
}

func TestDial_EncryptedKeySkipped(t *testing.T) {
	isolateHome(t)
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	encrypted := writeEncryptedKey(t)

	cfg.IdentityFiles = []string{encrypted, srv.ClientKeyFile}
	c := dial(t, srv, cfg)
	runOut(t, c, "echo ok")

	cfg.IdentityFiles = []string{encrypted}
	_, err := transport.Dial(testContext(t), srv.Addr, cfg)
	if !errors.Is(err, transport.ErrAuthFailed) || !errors.Is(err, transport.ErrNonRetryable) {
		t.Fatalf("only an encrypted key: err = %v, want ErrAuthFailed, non-retryable", err)
	}
	if got := srv.Connections(); got != 1 {
		t.Errorf("connections = %d, want 1: no usable key must not dial", got)
	}
}

// writeEncryptedKey writes a passphrase-protected key in the legacy PEM
// form (Proc-Type: 4,ENCRYPTED). Its body is never decrypted, so random
// bytes do, and it avoids the bcrypt KDF of the OpenSSH format, which takes
// seconds under the race detector.
func writeEncryptedKey(t *testing.T) string {
	t.Helper()
	body := make([]byte, 1200)
	if _, err := rand.Read(body); err != nil {
		t.Fatal(err)
	}
	block := &pem.Block{
		Type:    "RSA PRIVATE KEY",
		Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00112233445566778899AABBCCDDEEFF"},
		Bytes:   body,
	}
	path := filepath.Join(t.TempDir(), "id_encrypted")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
