package agent

import (
	"strings"
	"testing"
)

func TestValidateVersion(t *testing.T) {
	good := []string{"1", "1.2.3", "v1.2.3-rc.1+build.5", "2026_01_02", "a", strings.Repeat("9", 128)}
	bad := []string{
		"", ".", "..", "a..b", "../etc", "a/b", "-rf", ".hidden", "_x", "v 1", "v\t1", "v\n1", "v\x00",
		"v;rm", "v|x", "v&x", "v$x", "v`x`", "v(x)", "v<x", "v>x", "v*", "v?", "v'x'", `v"x"`, `v\x`,
		"v~", "v!", "v#", "v%", "v=x", "v:x", "v@x", "v,x", "vé", strings.Repeat("9", 129),
	}
	for _, v := range good {
		if err := ValidateVersion(v); err != nil {
			t.Errorf("ValidateVersion(%q) = %v, want ok", v, err)
		}
	}
	for _, v := range bad {
		if err := ValidateVersion(v); err == nil {
			t.Errorf("ValidateVersion(%q) = nil, want an error", v)
		}
	}
}

func TestValidateUnitName(t *testing.T) {
	good := []string{"app.service", "app@1.service", "app-web.socket", "a:b_c.target", `dev-disk-by\x2duuid.device`}
	bad := []string{
		"", "app", "app.exe", ".service", "-app.service", "app@.service", "@x.service", "a@b@c.service",
		"app;rm.service", "app service", "../app.service", "a/b.service", `app\x.service`, `a\x2.service`,
		strings.Repeat("a", 250) + ".service",
	}
	for _, u := range good {
		if err := ValidateUnitName(u); err != nil {
			t.Errorf("ValidateUnitName(%q) = %v, want ok", u, err)
		}
	}
	for _, u := range bad {
		if err := ValidateUnitName(u); err == nil {
			t.Errorf("ValidateUnitName(%q) = nil, want an error", u)
		}
	}
}
