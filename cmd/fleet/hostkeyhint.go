package main

import (
	"errors"

	"github.com/fleetdeploy/fleet/transport"
)

// hostKeyHint says what to do about a host key fleet refused, in the
// inventory's terms; "" for any other error.
func hostKeyHint(err error) string {
	switch {
	case errors.Is(err, transport.ErrHostKeyMismatch):
		return " (the host's key is not the one recorded: if it was re-installed, check the new fingerprint" +
			" with its owner and replace its line; otherwise someone may be in the middle)"
	case errors.Is(err, transport.ErrHostKeyUnknown):
		return " (check that fingerprint with the host's owner and add the key to known_hosts," +
			" or set ssh.host_key_check: accept-new to trust a host's first key)"
	}
	return ""
}
