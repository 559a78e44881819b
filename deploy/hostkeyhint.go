package deploy

import (
	"errors"
	"io/fs"
	"strconv"

	"github.com/fleetdeploy/fleet/transport"
)

// hostKeyHint says what to do about a host key fleet refused, or a
// known_hosts file it could not find, in the inventory's terms; "" for any
// other error.
func hostKeyHint(err error) string {
	var khErr *transport.KnownHostsError
	switch {
	case errors.As(err, &khErr) && errors.Is(khErr, fs.ErrNotExist):
		return " (strict host key checking needs the hosts' keys recorded there first: check their fingerprints" +
			" with the hosts' owners and add them, e.g. " + keyscanCommand(khErr) +
			"; or set ssh.known_hosts to the file that has them, or ssh.host_key_check: accept-new to trust each host's first key)"
	case errors.Is(err, transport.ErrHostKeyMismatch):
		return " (the host's key is not the one recorded: if it was re-installed, check the new fingerprint" +
			" with its owner and replace its line; otherwise someone may be in the middle)"
	case errors.Is(err, transport.ErrHostKeyUnknown):
		return " (check that fingerprint with the host's owner and add the key to known_hosts," +
			" or set ssh.host_key_check: accept-new to trust a host's first key)"
	}
	return ""
}

// keyscanCommand is the ssh-keyscan line that records the host of e into
// its known_hosts file, hashed as ssh's HashKnownHosts would write it.
func keyscanCommand(e *transport.KnownHostsError) string {
	cmd := "ssh-keyscan -H "
	if e.Port != 0 && e.Port != 22 {
		cmd += "-p " + strconv.Itoa(e.Port) + " "
	}
	return cmd + transport.Quote(e.Host) + " >> " + transport.Quote(e.File)
}
