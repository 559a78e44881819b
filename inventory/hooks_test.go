package inventory

import (
	"slices"
	"testing"
	"time"
)

func TestParse_Hooks(t *testing.T) {
	inv, err := Parse("fleet.yaml", []byte("app:\n  name: hello\n  "+checkOK+"\n"+`  hooks:
    before: {argv: [hello, migrate, --to, "3"], user: hello, timeout: 2m}
    after: {argv: [/bin/sh, -c, "echo done"]}
    before_stop: {argv: [/bin/true]}
    after_start: {argv: [/usr/local/bin/warm]}
    on: web
    on_rollback: true
`+hostsOK))
	if err != nil {
		t.Fatal(err)
	}
	h := inv.App.Hooks
	if h == nil || h.Before == nil || h.After == nil || h.BeforeStop == nil || h.AfterStart == nil {
		t.Fatalf("hooks = %+v", h)
	}
	if !slices.Equal(h.Before.Argv, []string{"hello", "migrate", "--to", "3"}) || h.Before.User != "hello" || h.Before.Timeout.Std() != 2*time.Minute {
		t.Errorf("before = %+v", h.Before)
	}
	if h.On != "web" || !h.OnRollback || h.After.RunUser() != "root" {
		t.Errorf("on %q, on_rollback %v, after's user %s", h.On, h.OnRollback, h.After.RunUser())
	}
	if err := inv.App.Validate(); err != nil {
		t.Errorf("the agent's rules refuse what the inventory accepted: %v", err)
	}
}

func TestParse_HooksErrors(t *testing.T) {
	const app = "app:\n  name: hello\n  " + checkOK + "\n  hooks:\n"
	runErrorCases(t, []errorCase{
		{"unknown hook", app + "    during: {argv: [/bin/true]}\n" + hostsOK, "fleet.yaml:5:5: app.hooks.during: unknown field"},
		{"no argv", app + "    before: {user: app}\n" + hostsOK, "fleet.yaml:5:13: app.hooks.before.argv: must list the program and its arguments"},
		{"path program", app + "    before: {argv: [../x]}\n" + hostsOK, "fleet.yaml:5:21: app.hooks.before.argv[0]: must be an absolute, clean path or a path inside the release"},
		{"bad user", app + "    after: {argv: [/bin/true], user: Root}\n" + hostsOK, "fleet.yaml:5:38: app.hooks.after.user: must be a user name"},
		{"timeout too long", app + "    after_start: {argv: [/bin/true], timeout: 2h}\n" + hostsOK, "fleet.yaml:5:47: app.hooks.after_start.timeout: must be between 1s and 1h0m0s, got 2h0m0s"},
		{"timeout number", app + "    before_stop: {argv: [/bin/true], timeout: 30}\n" + hostsOK, "app.hooks.before_stop.timeout: must be a duration"},
		{"unknown group", app + "    before: {argv: [/bin/true]}\n    on: db\n" + hostsOK, "fleet.yaml:6:9: app.hooks.on: names no group of this file (groups: web)"},
		{"on_rollback text", app + "    on_rollback: yes please\n" + hostsOK, "app.hooks.on_rollback: must be"},
	})
}
