package appspec

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Host is the rule for a host name or IP address, without a port. Host
// names follow RFC 1123 labels, allowing '_' because internal names use
// it.
func Host(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	if _, err := netip.ParseAddr(s); err == nil {
		return nil
	}
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

// HostPort is the rule for host:port with a numeric port, as a dial
// wants; an IPv6 address goes in brackets, [::1]:8500.
func HostPort(s string) error {
	host, port, ok := splitHostPort(s)
	if !ok {
		return fmt.Errorf("must be host:port, got %q", s)
	}
	if err := Host(host); err != nil {
		return fmt.Errorf("host %w", err)
	}
	return portString(port)
}

// CheckAddress is HostPort for a check, whose port may be PortPlaceholder
// (but whose host may not hold it).
func CheckAddress(s string) error {
	host, port, ok := splitHostPort(s)
	switch {
	case !ok:
		return fmt.Errorf("must be host:port, got %q", s)
	case UsesPort(host):
		return fmt.Errorf("may use %s for the port, not in the host, got %q", PortPlaceholder, s)
	}
	if err := Host(host); err != nil {
		return fmt.Errorf("host %w", err)
	}
	if port == PortPlaceholder {
		return nil
	}
	return portString(port)
}

// ConsulAddress is the rule for the host's Consul agent: host:port, or
// http(s)://host:port with nothing after it. inventory accepts only the
// first form.
func ConsulAddress(s string) error {
	if !strings.Contains(s, "://") {
		return HostPort(s)
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("must be host:port or http(s)://host:port: %w", unwrapURLError(err))
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("must be host:port or http(s)://host:port, got %q", s)
	}
	return HostPort(u.Host)
}

// splitHostPort splits host:port, or [host]:port, as net.SplitHostPort
// does for the forms it accepts; appspec does not import net, which
// would bring the whole network stack into a package of rules.
func splitHostPort(s string) (host, port string, ok bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", "", false
	}
	host, port = s[:i], s[i+1:]
	if b, found := strings.CutPrefix(host, "["); found {
		if host, found = strings.CutSuffix(b, "]"); !found {
			return "", "", false
		}
	}
	if strings.ContainsAny(host, "[]") || strings.ContainsAny(port, "[]") ||
		(strings.ContainsRune(host, ':') && !strings.HasPrefix(s, "[")) {
		return "", "", false
	}
	return host, port, true
}

func portString(s string) error {
	p, err := strconv.Atoi(s)
	if err != nil || strings.Trim(s, "0123456789") != "" {
		return fmt.Errorf("port must be a number, got %q", s)
	}
	if err := Port(p); err != nil {
		return fmt.Errorf("port %w", err)
	}
	return nil
}
