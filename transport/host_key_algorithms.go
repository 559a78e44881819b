package transport

import (
	"errors"
	"slices"

	"golang.org/x/crypto/ssh"
)

// Host key algorithms in OpenSSH's default preference order, less the
// security-key types x/crypto cannot verify. Go's own default order puts
// ECDSA and RSA before ed25519, which is how fleet would otherwise disagree
// with the key that `ssh` recorded in known_hosts.
var (
	openSSHCertAlgos = []string{
		ssh.CertAlgoED25519v01,
		ssh.CertAlgoECDSA256v01, ssh.CertAlgoECDSA384v01, ssh.CertAlgoECDSA521v01,
		ssh.CertAlgoRSASHA512v01, ssh.CertAlgoRSASHA256v01,
	}
	openSSHPlainAlgos = []string{
		ssh.KeyAlgoED25519,
		ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521,
		ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256,
	}
	// keyTypeOrder ranks known_hosts key types by the same preference.
	keyTypeOrder = []string{
		ssh.KeyAlgoED25519,
		ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521,
		//lint:ignore SA1019 known_hosts may still hold ssh-dss lines; fleet only ranks them last, never offers DSA first
		ssh.KeyAlgoRSA, ssh.InsecureKeyAlgoDSA,
	}
)

// hostKeyAlgorithms returns the HostKeyAlgorithms to offer for a host whose
// known_hosts entries have knownTypes (PublicKey.Type values) and, if hasCA,
// are covered by an @cert-authority line.
//
// The recorded types come first, so the server, which must pick the first
// client algorithm it supports, negotiates a key we can verify whenever it
// has one. OpenSSH's remaining algorithms follow instead of being left out:
// a host that no longer has any recorded key type then still presents a
// key, and the refusal is a typed ErrHostKeyMismatch naming that key rather
// than an opaque "no common algorithm" that would look retryable.
// Certificate algorithms are offered only when a CA covers the host, since
// a certificate is useless without one.
func hostKeyAlgorithms(knownTypes []string, hasCA bool) []string {
	var out []string
	if hasCA {
		out = append(out, openSSHCertAlgos...)
	}
	types := slices.Clone(knownTypes)
	slices.SortStableFunc(types, func(a, b string) int { return rank(a) - rank(b) })
	for _, t := range types {
		out = append(out, algorithmsForKeyType(t)...)
	}
	out = append(out, openSSHPlainAlgos...)
	supported := slices.Concat(ssh.SupportedAlgorithms().HostKeys, ssh.InsecureAlgorithms().HostKeys)
	var algos []string
	for _, a := range out {
		if slices.Contains(supported, a) && !slices.Contains(algos, a) {
			algos = append(algos, a)
		}
	}
	return algos
}

// algorithmsForKeyType maps a key type to the signature algorithms that
// prove possession of such a key. ECDSA types already name their curve.
func algorithmsForKeyType(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		// ssh-rsa (SHA-1) last, for old servers that sign nothing else.
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}

func rank(keyType string) int {
	if i := slices.Index(keyTypeOrder, keyType); i >= 0 {
		return i
	}
	return len(keyTypeOrder)
}

// errProbe is what verifySpy refuses every signature with.
var errProbe = errors.New("transport: probe signature")

// verifySpy wraps a CA key and records whether a signature was checked
// against it.
type verifySpy struct {
	ssh.PublicKey
	called bool
}

func (s *verifySpy) Verify([]byte, *ssh.Signature) error {
	s.called = true
	return errProbe
}

// probeCA reports whether one of the CA keys is trusted for addr.
// knownhosts does not expose its @cert-authority host matching, so each CA
// is shown an unsigned host certificate: ssh.CertChecker first asks
// knownhosts whether that CA covers the host (hashed names, patterns and
// ports included) and only then verifies the signature, which the spy sees
// and refuses. No text matching, no second implementation of the patterns.
func probeCA(check ssh.HostKeyCallback, addr string, cas []ssh.PublicKey) bool {
	if len(cas) == 0 {
		return false
	}
	dummy, err := throwawayKey()
	if err != nil {
		return false
	}
	for _, ca := range cas {
		spy := &verifySpy{PublicKey: ca}
		cert := &ssh.Certificate{
			Key:          dummy,
			CertType:     ssh.HostCert,
			ValidBefore:  ssh.CertTimeInfinity,
			SignatureKey: spy,
			Signature:    &ssh.Signature{Format: ca.Type()},
		}
		_ = check(addr, probeRemote(), cert) // the spy is the answer
		if spy.called {
			return true
		}
	}
	return false
}
