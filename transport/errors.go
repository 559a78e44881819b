package transport

import (
	"errors"
	"fmt"
	"io/fs"
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

// ProxyCommandError reports an SSH connection through ssh_config's
// ProxyCommand that failed before it was up, with what the command said.
// It wraps Err, so a timeout still matches context.DeadlineExceeded.
type ProxyCommandError struct {
	Command string // as the shell ran it, tokens expanded
	// ExitCode is the command's exit status, or -1 when it did not exit by
	// itself: fleet stopped it (timeout, cancel) or a signal killed it.
	// With 126 or 127, the shell's "cannot run" and "not found", the error
	// Dial returns is also ErrNonRetryable.
	ExitCode int
	Stderr   string // the last 4 KiB of its stderr
	Err      error  // why the connection failed
}

func (e *ProxyCommandError) Error() string {
	var b strings.Builder
	stderr := joinLines(e.Stderr)
	if e.ExitCode >= 0 {
		// Its own exit is the story; the handshake only saw the pipe close.
		fmt.Fprintf(&b, "proxy command %q exited with status %d", e.Command, e.ExitCode)
		if stderr != "" {
			fmt.Fprintf(&b, ": %s", stderr)
		}
		fmt.Fprintf(&b, " (%s)", e.Err)
		return b.String()
	}
	fmt.Fprintf(&b, "proxy command %q: %s", e.Command, e.Err)
	if stderr != "" {
		fmt.Fprintf(&b, "; its stderr: %s", stderr)
	}
	return b.String()
}

func (e *ProxyCommandError) Unwrap() error { return e.Err }

// joinLines puts the non-blank lines of s on one line, for an error that
// is printed as one line per host.
func joinLines(s string) string {
	var lines []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "; ")
}

// KnownHostsError reports a known_hosts file that could not be read before
// verifying a host; in strict mode, most often one that does not exist
// yet. Err wraps fs.ErrNotExist then.
type KnownHostsError struct {
	File string // the known_hosts file
	Host string // the host it was to verify: the name or address dialled
	Port int
	Err  error
}

func (e *KnownHostsError) Error() string {
	if errors.Is(e.Err, fs.ErrNotExist) {
		return fmt.Sprintf("known_hosts file %s does not exist", e.File)
	}
	return fmt.Sprintf("read known_hosts: %s", e.Err)
}

func (e *KnownHostsError) Unwrap() error { return e.Err }
