package transport_test

import (
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/fleetdeploy/fleet/transport/transporttest"
)

// Of two identity files offered, the client says which one the server
// took: the second, since the server does not know the first.
func TestDial_IdentityNamesTheKeyUsed(t *testing.T) {
	other, _ := transporttest.WriteKeyFile(t)
	accepted, signer := transporttest.WriteKeyFile(t)
	srv, cfg := newServer(t, transporttest.ServerOptions{AuthorizedKeys: []ssh.PublicKey{signer.PublicKey()}})
	cfg.IdentityFiles = []string{other, accepted}
	cfg.UseAgent = false
	c := dial(t, srv, cfg)
	id := c.Identity()
	if id.File != accepted || id.Agent || id.Fingerprint != ssh.FingerprintSHA256(signer.PublicKey()) {
		t.Errorf("Identity = %+v, want %s with %s", id, accepted, ssh.FingerprintSHA256(signer.PublicKey()))
	}
	if got, want := id.String(), accepted+" ("+id.Fingerprint+")"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}
