package transport

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels for the decisions callers make. Test with errors.Is.
var (
	// ErrHostKeyUnknown: known_hosts holds no key for the host (strict mode).
	ErrHostKeyUnknown = errors.New("host key unknown")
	// ErrHostKeyMismatch: the host presented a key that known_hosts does not
	// record for it, a revoked key, or a certificate that does not verify.
	// It can mean a man-in-the-middle; never retry or bypass it silently.
	ErrHostKeyMismatch = errors.New("host key mismatch")
	// ErrAuthFailed: the server refused every key offered.
	ErrAuthFailed = errors.New("authentication failed")
	// ErrNonRetryable tags errors that will not go away by dialling again:
	// host key and auth failures, bad configuration.
	ErrNonRetryable = errors.New("non-retryable")
)

// HostKeyError says which host presented which key and what known_hosts
// holds instead, so that an operator can fix the right line. It wraps
// ErrHostKeyUnknown or ErrHostKeyMismatch.
type HostKeyError struct {
	Err         error  // ErrHostKeyUnknown or ErrHostKeyMismatch
	Host        string // address checked, as known_hosts writes it ("[host]:port" off port 22)
	KeyType     string // type of the key the host presented, e.g. "ssh-ed25519"
	Fingerprint string // SHA256 fingerprint of the presented key
	KnownHosts  string // the known_hosts file consulted
	// Known lists the entries recorded for the host as
	// "file:line: type fingerprint"; empty when the host is unknown.
	Known  []string
	Reason string // extra detail (revocation, certificate problem); may be empty
}

func (e *HostKeyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s presented %s %s", e.Err, e.Host, e.KeyType, e.Fingerprint)
	if e.Reason != "" {
		fmt.Fprintf(&b, " (%s)", e.Reason)
	}
	if len(e.Known) == 0 {
		fmt.Fprintf(&b, "; no entry in %s", e.KnownHosts)
	} else {
		fmt.Fprintf(&b, "; known_hosts has %s", strings.Join(e.Known, ", "))
	}
	return b.String()
}

func (e *HostKeyError) Unwrap() error { return e.Err }

// nonRetryable marks err as one a redial will not fix (errors.Is(err,
// ErrNonRetryable)) without adding to its text: the tag is for the
// dialer's retry loop, not for the operator reading the message.
func nonRetryable(err error) error { return nonRetryableError{err} }

type nonRetryableError struct{ err error }

func (e nonRetryableError) Error() string   { return e.err.Error() }
func (e nonRetryableError) Unwrap() []error { return []error{ErrNonRetryable, e.err} }
