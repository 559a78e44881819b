package transport

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// acceptNew records key for hostname and tags a failure to do so as
// non-retryable: a known_hosts we cannot write stays unwritable.
func (hk *hostKeys) acceptNew(hostname string, key ssh.PublicKey) error {
	if err := appendKnownHost(hk.file, hostname, key, hk.log); err != nil {
		var hkErr *HostKeyError
		if errors.As(err, &hkErr) {
			return err
		}
		return nonRetryable(err)
	}
	// Trust on first use is worth a trace an operator can audit later.
	hk.log.Warn("known_hosts: added new host key", "addr", knownhosts.Normalize(hostname),
		"key_type", key.Type(), "fingerprint", ssh.FingerprintSHA256(key), "file", hk.file)
	return nil
}

// appendKnownHost records key for hostname (accept-new mode). It holds an
// exclusive lock on the file and re-reads it first, so that concurrent dials
// of a new host, in this process or another fleet, write one line, and a
// different key recorded meanwhile is refused like any mismatch.
func appendKnownHost(file, hostname string, key ssh.PublicKey, log *slog.Logger) error {
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("append known_hosts: %w", err)
	}
	defer f.Close()
	unlock, err := lockFile(f)
	if err != nil {
		return fmt.Errorf("lock known_hosts: %w", err)
	}
	defer unlock()

	hk, err := loadHostKeys(file, HostKeyStrict, hostname, log)
	if err != nil {
		return err
	}
	if len(hk.known) > 0 {
		// Someone recorded this host while we waited for the lock.
		hk.mode = HostKeyStrict
		return hk.callback(hostname, probeRemote(), key)
	}
	line := knownhosts.Line([]string{hostname}, key) + "\n"
	if needsNewline(f) {
		line = "\n" + line
	}
	if _, err := f.WriteString(line); err != nil {
		return fmt.Errorf("append known_hosts: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync known_hosts: %w", err)
	}
	return nil
}

// needsNewline reports whether f is non-empty and lacks a final newline, as
// hand-edited known_hosts files often do.
func needsNewline(f *os.File) bool {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return false
	}
	var last [1]byte
	if _, err := f.ReadAt(last[:], st.Size()-1); err != nil && !errors.Is(err, io.EOF) {
		return false
	}
	return last[0] != '\n'
}
