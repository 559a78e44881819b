package appspec

import (
	"strings"
	"testing"
)

func TestRoot(t *testing.T) {
	runRule(t, "Root", Root, []ruleCase{
		{"/opt/hello", ""}, {"/srv/app-1.2", ""}, {"/a", ""}, {"/var/lib/a+b", ""},
		{"opt/hello", `must be an absolute path on the host, got "opt/hello"`},
		{"", "must be an absolute path"},
		{"~/app", "must be an absolute path"},
		{"/opt/../etc", `must not contain a ".." element`},
		{"/opt/..", `must not contain a ".." element`},
		{"/opt//hello/", "must be a clean path (did you mean /opt/hello?)"},
		{"/opt/hello/", "must be a clean path (did you mean /opt/hello?)"},
		{"/opt/./hello", "must be a clean path (did you mean /opt/hello?)"},
		{"/", "must not be /"},
		{"/opt/$x", "must not contain '$'"},
		{"/opt/my app", "must not contain ' '"},
		{"/opt/a@b", "must not contain '@'"},
		{"/opt/.hidden", `component ".hidden" must start with a letter or digit`},
		{"/opt/-x", `component "-x" must start with a letter or digit`},
		{"/opt/_x", `component "_x" must start with a letter or digit`},
		{"/opt/" + strings.Repeat("a", 129), "component"},
		{"/" + strings.Repeat("a/", 600) + "a", "must be at most 1024 characters"},
	})
}

func TestHostFile(t *testing.T) {
	runRule(t, "HostFile", HostFile, []ruleCase{
		{"/etc/fleet/consul-token", ""}, {"/etc/fleet/.token", ""},
		{"etc/token", `must be an absolute path on the host, got "etc/token"`},
		{"~/token", "is a path on the host, where ~ is not expanded"},
		{"/etc//token", "must be a clean path (did you mean /etc/token?)"},
		{"/", "must name a file, not /"},
		{"/etc/t\x00", "must not contain NUL"},
		{"/" + strings.Repeat("a", 1024), "must be at most 1024 characters"},
	})
}
