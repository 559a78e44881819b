package inventory

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/fleetdeploy/fleet/appspec"
)

// validAddress accepts a host name or an IP address (appspec.Host),
// without a port: the port has its own field (ssh.port), and "host:22" in
// an address field is the mistake this catches.
func validAddress(s string) error {
	if _, err := netip.ParseAddr(s); err != nil && strings.ContainsRune(s, ':') {
		return errors.New("must be a host name or IP address without a port (set the port with ssh.port)")
	}
	return appspec.Host(s)
}

// validPortString is the port of a jump host, as ssh reads it.
func validPortString(s string) error {
	p, err := strconv.Atoi(s)
	if err != nil || strings.Trim(s, "0123456789") != "" {
		return fmt.Errorf("port must be a number, got %q", s)
	}
	if err := appspec.Port(p); err != nil {
		return fmt.Errorf("port %w", err)
	}
	return nil
}

// validJump accepts ssh's ProxyJump form for one hop: [user@]host[:port].
func validJump(s string) error {
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		if err := validUser(s[:i]); err != nil {
			return fmt.Errorf("user %s", err)
		}
		s = s[i+1:]
	}
	host := s
	switch {
	case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
		host = s[1 : len(s)-1]
	case strings.HasPrefix(s, "[") || strings.Count(s, ":") == 1:
		h, port, err := net.SplitHostPort(s)
		if err != nil {
			return fmt.Errorf("must be [user@]host[:port], got %q", s)
		}
		if err := validPortString(port); err != nil {
			return err
		}
		host = h
	}
	if err := validAddress(host); err != nil {
		return fmt.Errorf("host %s", err)
	}
	return nil
}
