package appspec

import (
	"strings"
	"testing"
	"time"
)

func TestHookArgv(t *testing.T) {
	for _, ok := range [][]string{{"/bin/sh", "-c", "echo hi"}, {"hello", "migrate"}, {"bin/migrate"}} {
		if err := HookArgv(ok); err != nil {
			t.Errorf("HookArgv(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range [][]string{nil, {""}, {"../x"}, {"./x"}, {"/bin/../sh"}, {"/bin/sh", "a\x00b"}, {"a b"}} {
		if err := HookArgv(bad); err == nil {
			t.Errorf("HookArgv(%q) = nil, want an error", bad)
		}
	}
}

func TestHookProgram(t *testing.T) {
	if got := HookProgram("hello", "/opt/h/releases/v2"); got != "/opt/h/releases/v2/hello" {
		t.Errorf("relative: %s", got)
	}
	if got := HookProgram("/bin/sh", "/opt/h/releases/v2"); got != "/bin/sh" {
		t.Errorf("absolute: %s", got)
	}
}

func TestUserName(t *testing.T) {
	for _, ok := range []string{"root", "app", "svc_hello", "_x", "a-b9", "host$"} {
		if err := UserName(ok); err != nil {
			t.Errorf("UserName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Root", "9a", "-a", "a b", "a;b", "$", strings.Repeat("a", 33)} {
		if err := UserName(bad); err == nil {
			t.Errorf("UserName(%q) = nil, want an error", bad)
		}
	}
}

func TestHooks_Validate(t *testing.T) {
	h := &Hooks{Before: &Hook{Argv: []string{"hello", "migrate"}, User: "app", Timeout: Duration(time.Minute)}}
	if err := h.Validate(); err != nil {
		t.Fatal(err)
	}
	h.AfterStart = &Hook{Argv: []string{"/bin/true"}, Timeout: Duration(2 * time.Hour)}
	if err := h.Validate(); err == nil || !strings.Contains(err.Error(), "after_start: timeout") {
		t.Errorf("Validate = %v, want after_start: timeout …", err)
	}
	h.AfterStart = &Hook{Argv: []string{"/bin/x"}, User: "Bad"}
	if err := h.Validate(); err == nil || !strings.Contains(err.Error(), "after_start: user") {
		t.Errorf("Validate = %v, want after_start: user …", err)
	}
}

func TestHooks_GetAndDefaults(t *testing.T) {
	var none *Hooks
	if none.Get(HookBefore) != nil {
		t.Error("nil Hooks has a hook")
	}
	h := Hook{Argv: []string{"/bin/true"}}
	if h.RunUser() != "root" || h.RunTimeout() != DefaultHookTimeout {
		t.Errorf("defaults: %s %s", h.RunUser(), h.RunTimeout())
	}
	if HookName("before_stop") != nil || HookName("during") == nil {
		t.Error("HookName")
	}
}
