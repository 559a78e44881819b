package appspec

import (
	"net"
	"strings"
	"testing"
)

func TestHost(t *testing.T) {
	runRule(t, "Host", Host, []ruleCase{
		{"web1", ""}, {"web1.example.com", ""}, {"web1.example.com.", ""}, {"10.0.0.1", ""}, {"::1", ""},
		{"fe80::1%eth0", ""}, {"my_host.internal", ""}, {"1host", ""},
		{"", "must not be empty"},
		{"a/b", "must not contain '/'"},
		{"host:22", "must not contain ':'"},
		{"[::1]", "must not contain '['"},
		{"10.0.0.256", "is not a valid IP address"},
		{"1.2.3", "is not a valid IP address"},
		{"-web", "labels must not start or end with '-'"},
		{"web-", "labels must not start or end with '-'"},
		{"a..b", "must be dot-separated labels of 1 to 63 characters"},
		{"a b", "must not contain ' '"},
		{strings.Repeat("a", 64) + ".com", "must be dot-separated labels of 1 to 63 characters"},
	})
}

func TestHostPort(t *testing.T) {
	runRule(t, "HostPort", HostPort, []ruleCase{
		{"127.0.0.1:8500", ""}, {"[::1]:8501", ""}, {"consul.local:8500", ""}, {"[consul]:1", ""},
		{"localhost", `must be host:port, got "localhost"`},
		{"::1:8500", `must be host:port, got "::1:8500"`},
		{"[::1]", `must be host:port`},
		{"[::1:80", `must be host:port`},
		{"a]:80", `must be host:port`},
		{":8500", "host must not be empty"},
		{"localhost:http", `port must be a number, got "http"`},
		{"localhost:+80", `port must be a number, got "+80"`},
		{"localhost:", `port must be a number, got ""`},
		{"127.0.0.1:{port}", `port must be a number, got "{port}"`},
		{"localhost:0", "port must be between 1 and 65535, got 0"},
		{"localhost:65536", "port must be between 1 and 65535, got 65536"},
		{"bad host:80", "host must not contain ' '"},
	})
}

func TestCheckAddress(t *testing.T) {
	runRule(t, "CheckAddress", CheckAddress, []ruleCase{
		{"127.0.0.1:8080", ""}, {"127.0.0.1:{port}", ""}, {"[::1]:{port}", ""}, {"localhost:1", ""},
		{"nohost", `must be host:port, got "nohost"`},
		{"{port}:80", `may use {port} for the port, not in the host, got "{port}:80"`},
		{"h{port}:{port}", "may use {port} for the port, not in the host"},
		{":{port}", "host must not be empty"},
		{"x:1{port}", `port must be a number, got "1{port}"`},
		{"x:0", "port must be between 1 and 65535"},
	})
}

func TestConsulAddress(t *testing.T) {
	runRule(t, "ConsulAddress", ConsulAddress, []ruleCase{
		{"127.0.0.1:8500", ""}, {"https://consul.local:8501", ""}, {"http://[::1]:8500", ""},
		{"127.0.0.1", "must be host:port"},
		{"unix:///run/consul.sock", "must be host:port or http(s)://host:port"},
		{"http://127.0.0.1:8500/v1", "must be host:port or http(s)://host:port"},
		{"http://u:p@127.0.0.1:8500", "must be host:port or http(s)://host:port"},
		{"http://127.0.0.1", "must be host:port"},
		{"127.0.0.1:{port}", "port must be a number"},
	})
}

// TestSplitHostPort_AgreesWithNet: what appspec splits, net splits the same
// way, so an address that passes the rule is one the prober can dial.
func TestSplitHostPort_AgreesWithNet(t *testing.T) {
	for _, s := range []string{
		"a:1", "[::1]:80", "[a]:b", "::1:80", "[::1]", "[::1:80", "a]:80", "[a]b:80", "a[b]:80", "a:[80]",
		":80", "a:", "", ":", "[]:80", "[fe80::1%eth0]:22", "a:b:c", "[[a]]:80",
	} {
		host, port, ok := splitHostPort(s)
		nh, np, err := net.SplitHostPort(s)
		if ok && (err != nil || nh != host || np != port) {
			t.Errorf("splitHostPort(%q) = %q, %q; net.SplitHostPort = %q, %q, %v", s, host, port, nh, np, err)
		}
		if !ok && err == nil && Host(nh) == nil {
			t.Errorf("splitHostPort(%q) refuses what net splits into a valid host %q, port %q", s, nh, np)
		}
	}
}
