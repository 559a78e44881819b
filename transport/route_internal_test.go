package transport

import (
	"testing"
)

func TestParseDest(t *testing.T) {
	cases := []struct {
		in         string
		user, host string
		port       int
		bad        bool
	}{
		{in: "web1", host: "web1"},
		{in: "deploy@web1", user: "deploy", host: "web1"},
		{in: "web1:2222", host: "web1", port: 2222},
		{in: "deploy@10.0.0.5:22", user: "deploy", host: "10.0.0.5", port: 22},
		{in: "[::1]:2222", host: "::1", port: 2222},
		{in: "::1", host: "::1"},
		{in: "fe80::1%eth0", host: "fe80::1%eth0"},
		{in: "a@b@web1", user: "a@b", host: "web1"},
		{in: "", bad: true},
		{in: "web1:0", bad: true},
		{in: "web1:http", bad: true},
		{in: "deploy@", bad: true},
		{in: "[::1", bad: true},
	}
	for _, tc := range cases {
		user, host, port, err := parseDest(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("parseDest(%q) err = %v, want error %v", tc.in, err, tc.bad)
			continue
		}
		if !tc.bad && (user != tc.user || host != tc.host || port != tc.port) {
			t.Errorf("parseDest(%q) = %q, %q, %d; want %q, %q, %d", tc.in, user, host, port, tc.user, tc.host, tc.port)
		}
	}
}

func TestExpandTokens(t *testing.T) {
	tok := map[byte]string{'h': "web1", 'r': "deploy", 'u': "me", 'd': "/home/me"}
	cases := map[string]string{
		"~/.ssh/id_%h":       "/home/me/.ssh/id_web1",
		"%d/keys/%r@%h":      "/home/me/keys/deploy@web1",
		"%h.example.com":     "web1.example.com",
		"100%%":              "100%",
		"%x unknown, trail%": "%x unknown, trail%",
		"/abs/~/path":        "/abs/~/path",
	}
	for in, want := range cases {
		if got := expandTokens(in, tok); got != want {
			t.Errorf("expandTokens(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTailBuffer(t *testing.T) {
	b := &tailBuffer{max: 8}
	for _, s := range []string{"abc", "defg", "hij", "0123456789", "xy"} {
		_, _ = b.Write([]byte(s))
	}
	if got := b.String(); got != "456789xy" {
		t.Errorf("tail = %q, want %q", got, "456789xy")
	}
}
