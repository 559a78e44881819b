package inventory

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// validAddress accepts a host name or an IP address, without a port: the
// port has its own field (ssh.port), and "host:22" in an address field is
// the mistake this catches.
func validAddress(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	if strings.ContainsRune(s, '/') {
		return errors.New("must not contain '/'")
	}
	if _, err := netip.ParseAddr(s); err == nil {
		return nil
	}
	if strings.ContainsRune(s, ':') {
		return errors.New("must be a host name or IP address without a port (set the port with ssh.port)")
	}
	return validHostname(s)
}

// validHostname applies RFC 1123 labels, allowing '_' because internal
// names use it and ssh does not care.
func validHostname(s string) error {
	if r, bad := firstBad(s, func(r rune) bool { return isAlnum(r) || r == '.' || r == '-' || r == '_' }); bad {
		return fmt.Errorf("must not contain %q", r)
	}
	name := strings.TrimSuffix(s, ".")
	if len(name) > 253 {
		return errors.New("must be at most 253 characters")
	}
	numeric := true
	for label := range strings.SplitSeq(name, ".") {
		if label == "" || len(label) > 63 {
			return errors.New("must be dot-separated labels of 1 to 63 characters")
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return errors.New("labels must not start or end with '-'")
		}
		if _, err := strconv.Atoi(label); err != nil {
			numeric = false
		}
	}
	if numeric {
		// 10.0.0.300 is a typo for an IP address, not a host name.
		return errors.New("is not a valid IP address")
	}
	return nil
}

func validPort(p int) error {
	if p < 1 || p > 65535 {
		return fmt.Errorf("must be between 1 and 65535, got %d", p)
	}
	return nil
}

// validHostPort accepts host:port with a numeric port, as net.Dial wants.
func validHostPort(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("must be host:port, got %q", s)
	}
	if err := validAddress(host); err != nil {
		return fmt.Errorf("host %s", err)
	}
	return validPortString(port)
}

// validCheckAddress is validHostPort for health checks, whose port may be
// PortPlaceholder.
func validCheckAddress(s string) error {
	host, port, err := net.SplitHostPort(s)
	switch {
	case err != nil:
		return validHostPort(s)
	case strings.Contains(host, PortPlaceholder):
		return fmt.Errorf("may use %s for the port, not in the host, got %q", PortPlaceholder, s)
	case port != PortPlaceholder:
		return validHostPort(s)
	}
	if err := validAddress(host); err != nil {
		return fmt.Errorf("host %s", err)
	}
	return nil
}

func validPortString(s string) error {
	p, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("port must be a number, got %q", s)
	}
	if err := validPort(p); err != nil {
		return fmt.Errorf("port %s", err)
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
