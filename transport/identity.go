package transport

import (
	"io"
	"sync"

	"golang.org/x/crypto/ssh"
)

// Identity names the key a connection logged in with: an identity file,
// or a key of the ssh-agent (with the comment the agent holds for it).
type Identity struct {
	File        string `json:"file,omitempty"`    // an identity file's path
	Agent       bool   `json:"agent,omitempty"`   // a key of the agent at SSH_AUTH_SOCK
	Comment     string `json:"comment,omitempty"` // the agent key's comment
	Fingerprint string `json:"fingerprint"`       // SHA256:…
}

// String reads "~/.ssh/id_ed25519 (SHA256:…)" or "ssh-agent key
// alice@laptop (SHA256:…)"; "" when no key was used.
func (i Identity) String() string {
	switch {
	case i.File != "":
		return i.File + " (" + i.Fingerprint + ")"
	case i.Agent && i.Comment != "":
		return "ssh-agent key " + i.Comment + " (" + i.Fingerprint + ")"
	case i.Agent:
		return "ssh-agent key " + i.Fingerprint
	}
	return ""
}

// Identity is the key the connection to the host (not a jump host)
// logged in with.
func (c *Client) Identity() Identity { return c.identity }

// identityRecord remembers which key signed last. x/crypto's publickey
// method asks the server about each key before signing with it, and signs
// only with one the server would accept: the last to sign is the one a
// successful login used.
type identityRecord struct {
	mu sync.Mutex
	id Identity
}

func (r *identityRecord) set(id Identity) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.id = id
}

func (r *identityRecord) get() Identity {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.id
}

// recording wraps s so that signing records id in rec, keeping the
// algorithm interfaces s has: without them x/crypto would sign an RSA key
// with SHA-1, which current servers refuse.
func recording(s ssh.Signer, id Identity, rec *identityRecord) ssh.Signer {
	id.Fingerprint = ssh.FingerprintSHA256(s.PublicKey())
	base := &recordingSigner{Signer: s, id: id, rec: rec}
	switch a := s.(type) {
	case ssh.MultiAlgorithmSigner:
		return recordingMultiSigner{recordingAlgSigner{base, a}, a}
	case ssh.AlgorithmSigner:
		return recordingAlgSigner{base, a}
	}
	return base
}

type recordingSigner struct {
	ssh.Signer
	id  Identity
	rec *identityRecord
}

func (s *recordingSigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	s.rec.set(s.id)
	return s.Signer.Sign(rand, data)
}

type recordingAlgSigner struct {
	*recordingSigner
	alg ssh.AlgorithmSigner
}

func (s recordingAlgSigner) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	s.rec.set(s.id)
	return s.alg.SignWithAlgorithm(rand, data, algorithm)
}

type recordingMultiSigner struct {
	recordingAlgSigner
	multi ssh.MultiAlgorithmSigner
}

func (s recordingMultiSigner) Algorithms() []string { return s.multi.Algorithms() }
