package transport

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kevinburke/ssh_config"
)

func TestNewProxyCommand(t *testing.T) {
	ep := endpoint{name: "web1", hostname: "10.0.0.5", port: 2222, user: "deploy"}
	cases := []struct {
		template, want string
		bad            string // part of the error, when the template is refused
	}{
		{template: "ssh -W %h:%p bastion", want: "ssh -W 10.0.0.5:2222 bastion"},
		{template: "tsh proxy ssh %r@%n:%p", want: "tsh proxy ssh deploy@web1:2222"},
		{template: "echo 100%% %%h", want: "echo 100% %h"},
		{template: "nc %h %p # no tokens in here: %%", want: "nc 10.0.0.5 2222 # no tokens in here: %"},
		{template: "aws ssm start-session --target %d", bad: "unknown token %d"},
		{template: "nc %h %p %", bad: "lone %"},
	}
	for _, tc := range cases {
		pc, err := newProxyCommand(tc.template, ep)
		switch {
		case tc.bad != "":
			if err == nil || !strings.Contains(err.Error(), tc.bad) {
				t.Errorf("newProxyCommand(%q) = %q, %v; want an error saying %q", tc.template, pc.command, err, tc.bad)
			}
		case err != nil || pc.command != tc.want || pc.template != tc.template:
			t.Errorf("newProxyCommand(%q) = %+v, %v; want command %q", tc.template, pc, err, tc.want)
		}
	}
}

// Host and user names go into a shell command line: anything the shell
// would interpret is refused, as OpenSSH 9.6 refuses it.
func TestNewProxyCommand_RefusesShellSyntax(t *testing.T) {
	for _, ep := range []endpoint{
		{hostname: "10.0.0.5;reboot", name: "web1", user: "deploy"},
		{hostname: "10.0.0.5", name: "$(reboot)", user: "deploy"},
		{hostname: "10.0.0.5", name: "web1", user: "-oProxyCommand=reboot"},
		{hostname: "web 1", name: "web1", user: "deploy"},
		{hostname: "`reboot`", name: "web1", user: "deploy"},
	} {
		if pc, err := newProxyCommand("connect %h %n %r", ep); err == nil {
			t.Errorf("%+v: command %q, want an error", ep, pc.command)
		}
	}
	// Tokens not used are not checked.
	if _, err := newProxyCommand("connect %h", endpoint{hostname: "10.0.0.5", name: "we;b"}); err != nil {
		t.Errorf("unused %%n checked: %v", err)
	}
}

func TestProxyCommandArgv(t *testing.T) {
	t.Setenv("SHELL", "/usr/bin/zsh")
	if got, want := fmt.Sprint(proxyCommandArgv("nc a 22")), "[/usr/bin/zsh -c exec nc a 22]"; got != want {
		t.Errorf("argv = %s, want %s", got, want)
	}
	t.Setenv("SHELL", "")
	if got := proxyCommandArgv("nc a 22")[0]; got != "/bin/sh" {
		t.Errorf("shell without $SHELL = %s, want /bin/sh", got)
	}
}

func TestSSHConfigProxy(t *testing.T) {
	dir := t.TempDir()
	included := filepath.Join(dir, "included")
	if err := os.WriteFile(included, []byte("Host inc1\n  ProxyCommand nc %h %p\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := ssh_config.Decode(strings.NewReader(`
Host cmd-first
  ProxyCommand nc %h %p
  ProxyJump bastion
Host jump-first
  ProxyJump bastion
  ProxyCommand nc %h %p
Host cmd-none
  ProxyCommand none
Host inc1 inc2
  Include ` + included + `
Host * !plain
  ProxyJump everyone
`))
	if err != nil {
		t.Fatal(err)
	}
	sc := &sshConfig{cfg: cfg}
	cases := map[string]string{
		"cmd-first":  "ProxyCommand=nc %h %p",
		"jump-first": "ProxyJump=bastion",
		"cmd-none":   "ProxyCommand=none",
		"inc1":       "ProxyCommand=nc %h %p",
		"inc2":       "ProxyJump=everyone",
		"other":      "ProxyJump=everyone",
		"plain":      "=",
	}
	for alias, want := range cases {
		if k, v := sc.proxy(alias); k+"="+v != want {
			t.Errorf("proxy(%q) = %s=%s, want %s", alias, k, v, want)
		}
	}
	if k, v := (*sshConfig)(nil).proxy("any"); k != "" || v != "" {
		t.Errorf("nil config: %s=%s", k, v)
	}
}
