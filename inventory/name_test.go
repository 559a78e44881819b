package inventory

import (
	"strings"
	"testing"
)

func TestValidName(t *testing.T) {
	valid := []string{"hello", "a", "7", "web1.example.com", "1.2.3+build.4", "v1.0.0-rc.1", "a_b", "A_", strings.Repeat("x", 128)}
	for _, s := range valid {
		if err := ValidName(s); err != nil {
			t.Errorf("ValidName(%q) = %v, want nil", s, err)
		}
	}
	invalid := map[string]string{
		"":                       "must not be empty",
		".":                      "must start with a letter or digit",
		"..":                     "must start with a letter or digit",
		"-rf":                    "must start with a letter or digit",
		".hidden":                "must start with a letter or digit",
		"a/b":                    `must not contain '/'`,
		"../etc":                 `must not contain '/'`,
		"a b":                    `must not contain ' '`,
		"a\tb":                   `must not contain '\t'`,
		"a\nb":                   `must not contain '\n'`,
		"a\x00b":                 `must not contain '\x00'`,
		"a;b":                    `must not contain ';'`,
		"$(x)":                   `must not contain '$'`,
		"a`b`":                   "must not contain '`'",
		"a|b":                    `must not contain '|'`,
		"a&b":                    `must not contain '&'`,
		"a*":                     `must not contain '*'`,
		"a'b":                    `must not contain '\''`,
		"_a":                     "must start with a letter or digit",
		"ünï":                    `must not contain 'ü'`,
		"a\xffb":                 `must not contain '�'`,
		strings.Repeat("x", 129): "must be at most 128 characters",
	}
	for s, want := range invalid {
		err := ValidName(s)
		if err == nil || err.Error() != want {
			t.Errorf("ValidName(%q) = %v, want %q", s, err, want)
		}
	}
}

func TestValidAddress(t *testing.T) {
	valid := []string{"web1", "web1.example.com", "web1.example.com.", "10.0.0.1", "::1", "fe80::1%eth0", "my_host.internal", "1host"}
	for _, s := range valid {
		if err := validAddress(s); err != nil {
			t.Errorf("validAddress(%q) = %v, want nil", s, err)
		}
	}
	invalid := []string{"", "a/b", "host:22", "[::1]", "10.0.0.256", "1.2.3", "-web", "web-", "a..b", "a b", strings.Repeat("a", 64) + ".com"}
	for _, s := range invalid {
		if err := validAddress(s); err == nil {
			t.Errorf("validAddress(%q) = nil, want an error", s)
		}
	}
}

func TestValidJump(t *testing.T) {
	valid := []string{"bastion", "me@bastion", "me@bastion:2222", "bastion.example.com:22", "10.0.0.1", "[::1]", "[::1]:22", "::1", "me@[fe80::1]:22"}
	for _, s := range valid {
		if err := validJump(s); err != nil {
			t.Errorf("validJump(%q) = %v, want nil", s, err)
		}
	}
	invalid := []string{"@bastion", "me@", "bastion:", "bastion:ssh", "bastion:0", "a b", "-oProxyCommand=x", "bastion,other"}
	for _, s := range invalid {
		if err := validJump(s); err == nil {
			t.Errorf("validJump(%q) = nil, want an error", s)
		}
	}
	for _, s := range []string{"", "none", "a", "a@b:22,c", "[::1]:22,me@d"} {
		if err := validJumpSetting(s); err != nil {
			t.Errorf("validJumpSetting(%q) = %v, want nil", s, err)
		}
	}
	for _, s := range []string{"a,", ",a", "a,,b", "a,b c"} {
		if err := validJumpSetting(s); err == nil {
			t.Errorf("validJumpSetting(%q) = nil, want an error", s)
		}
	}
}

func TestValidUnit(t *testing.T) {
	valid := []string{"hello.service", "hello@1.service", "a-b_c:d.socket", `x\x2dy.mount`, "hello.timer"}
	for _, s := range valid {
		if err := validUnit(s); err != nil {
			t.Errorf("validUnit(%q) = %v, want nil", s, err)
		}
	}
	invalid := []string{"", "hello", ".service", "hello.srv", "hello@.service", "a b.service", "a/b.service"}
	for _, s := range invalid {
		if err := validUnit(s); err == nil {
			t.Errorf("validUnit(%q) = nil, want an error", s)
		}
	}
}
