package inventory

import (
	"strings"
	"testing"
)

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
