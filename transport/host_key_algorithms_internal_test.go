package transport

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

func TestHostKeyAlgorithms(t *testing.T) {
	rest := []string{"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256"}
	certs := []string{
		"ssh-ed25519-cert-v01@openssh.com",
		"ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp521-cert-v01@openssh.com",
		"rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com",
	}
	cases := []struct {
		name  string
		known []string
		ca    bool
		want  []string
	}{
		{"unknown host: OpenSSH order", nil, false, rest},
		{"rsa first, with SHA-1 fallback", []string{"ssh-rsa"}, false,
			[]string{"rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"}},
		{"ecdsa by curve", []string{"ecdsa-sha2-nistp384"}, false,
			[]string{"ecdsa-sha2-nistp384", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256"}},
		{"several known, OpenSSH preference", []string{"ssh-rsa", "ssh-ed25519"}, false,
			[]string{"ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"}},
		{"cert authority puts certificates first", []string{"ssh-ed25519"}, true, slices.Concat(certs, rest)},
		{"unsupported sk type dropped", []string{"sk-ssh-ed25519@openssh.com"}, false, rest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := hostKeyAlgorithms(tc.known, tc.ca); !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestLoadHostKeys_ProbesEntries(t *testing.T) {
	ed := newPub(t, "ed25519")
	ec := newPub(t, "ecdsa")
	ca := newPub(t, "ed25519")
	lines := []string{
		knownhosts.Line([]string{"web1.example.com:22"}, ed),
		knownhosts.Line([]string{"[web1.example.com]:2222"}, ec),
		knownhosts.HashHostname("db.example.com") + " " + string(ssh.MarshalAuthorizedKey(ec)),
		"@cert-authority *.prod.example.com " + string(ssh.MarshalAuthorizedKey(ca)),
	}
	file := filepath.Join(t.TempDir(), "known_hosts")
	writeLines(t, file, lines)
	cases := []struct {
		addr  string
		types []string
		ca    bool
	}{
		{"web1.example.com:22", []string{ssh.KeyAlgoED25519}, false},
		{"web1.example.com:2222", []string{ssh.KeyAlgoECDSA256}, false},
		{"db.example.com:22", []string{ssh.KeyAlgoECDSA256}, false},
		{"app.prod.example.com:22", nil, true},
		{"other.example.com:22", nil, false},
	}
	for _, tc := range cases {
		hk, err := loadHostKeys(file, HostKeyStrict, tc.addr, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, k := range hk.known {
			types = append(types, k.Key.Type())
		}
		if !slices.Equal(types, tc.types) || hk.hasCA != tc.ca {
			t.Errorf("%s: types %q, ca %v; want %q, %v", tc.addr, types, hk.hasCA, tc.types, tc.ca)
		}
	}
}

func newPub(t *testing.T, kind string) ssh.PublicKey {
	t.Helper()
	var raw any
	var err error
	switch kind {
	case "ed25519":
		raw, _, err = ed25519.GenerateKey(rand.Reader)
	case "ecdsa":
		var k *ecdsa.PrivateKey
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err == nil {
			raw = &k.PublicKey
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func writeLines(t *testing.T, file string, lines []string) {
	t.Helper()
	var data []byte
	for _, l := range lines {
		data = append(data, l...)
		if l[len(l)-1] != '\n' {
			data = append(data, '\n')
		}
	}
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
