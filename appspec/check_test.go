package appspec

import (
	"strings"
	"testing"
)

func TestHTTPURL(t *testing.T) {
	runRule(t, "HTTPURL", HTTPURL, []ruleCase{
		{"http://127.0.0.1:8080/healthz", ""}, {"https://x/", ""}, {"http://127.0.0.1:{port}/healthz?p={port}", ""},
		{"http://[::1]:{port}/", ""},
		{"ftp://x/", `must be an http:// or https:// URL, got "ftp://x/"`},
		{"http:///x", "must name a host"},
		{"http://:8080/", "must name a host"},
		{"http://x:70000/", `port must be between 1 and 65535, got "http://x:70000/"`},
		{"http://x:0/", "port must be between 1 and 65535"},
		{"http://{port}/", `may use {port} for the port, not in the host, got "http://{port}/"`},
		{"http://h{port}:1/", "may use {port} for the port, not in the host"},
		{"http://x/\x00", "must be a URL"},
		{"://x", "must be a URL"},
	})
}

func TestHTTPStatus(t *testing.T) {
	for s, ok := range map[int]bool{100: true, 200: true, 599: true, 99: false, 600: false, 0: false} {
		if err := HTTPStatus(s); (err == nil) != ok {
			t.Errorf("HTTPStatus(%d) = %v", s, err)
		}
	}
}

func TestText(t *testing.T) {
	runRule(t, "Text", Text, []ruleCase{
		{"", ""}, {"version", ""}, {strings.Repeat("x", 4096), ""},
		{strings.Repeat("x", 4097), "must be at most 4096 characters"},
		{"a\x00b", "must not contain NUL"},
	})
}

func TestArgv(t *testing.T) {
	tests := []struct {
		argv []string
		want string
	}{
		{[]string{"/usr/bin/test", "-f", "/tmp/x"}, ""},
		{[]string{"/bin/true"}, ""},
		{nil, "must list the program and its arguments"},
		{[]string{}, "must list the program and its arguments"},
		{[]string{"test", "-f"}, `argv[0] must be an absolute, clean path to the program (no shell is used), got "test"`},
		{[]string{""}, "argv[0] must be an absolute, clean path"},
		{[]string{"/bin/../bin/true"}, "argv[0] must be an absolute, clean path"},
		{[]string{"/bin/echo", "a\x00"}, "argv[1] must not contain NUL"},
	}
	for _, tt := range tests {
		err := Argv(tt.argv)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.HasPrefix(err.Error(), tt.want)) {
			t.Errorf("Argv(%q) = %v, want %q", tt.argv, err, tt.want)
		}
	}
}
