package transport

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// proxyCommand is ssh_config's ProxyCommand for the first hop of a route:
// a local command whose stdin and stdout carry the SSH connection.
type proxyCommand struct {
	// template is the value as written in ssh_config. Dials whose commands
	// come from one template usually go through one bastion, so they share
	// a Dialer's jump host limit.
	template string
	// command has the %-tokens expanded; it is what the shell runs.
	command string
}

// newProxyCommand expands template for ep with the tokens ssh_config(5)
// allows in ProxyCommand: %h the host name dialled, %n the host as written,
// %p the port, %r the remote user, %% a percent sign. Any other token is a
// configuration error, as it is for ssh.
func newProxyCommand(template string, ep endpoint) (proxyCommand, error) {
	var b strings.Builder
	for i := 0; i < len(template); i++ {
		if template[i] != '%' {
			b.WriteByte(template[i])
			continue
		}
		if i++; i == len(template) {
			return proxyCommand{}, fmt.Errorf("ProxyCommand %q: lone %% at the end", template)
		}
		v, err := proxyToken(template[i], ep)
		if err != nil {
			return proxyCommand{}, fmt.Errorf("ProxyCommand %q: %w", template, err)
		}
		b.WriteString(v)
	}
	return proxyCommand{template: template, command: b.String()}, nil
}

func proxyToken(t byte, ep endpoint) (string, error) {
	var v string
	switch t {
	case '%':
		return "%", nil
	case 'p':
		return strconv.Itoa(ep.port), nil
	case 'h':
		v = ep.hostname
	case 'n':
		v = ep.name
	case 'r':
		v = ep.user
	default:
		return "", fmt.Errorf("unknown token %%%c (ProxyCommand takes %%h %%n %%p %%r %%%%)", t)
	}
	// The value lands in a shell command line. Hosts and users can come
	// from places fleet does not control (an inventory source such as
	// Consul), so like OpenSSH since 9.6 we refuse anything the shell would
	// interpret rather than quote it behind the user's back.
	if strings.HasPrefix(v, "-") || strings.IndexFunc(v, unsafeShellRune) >= 0 {
		return "", fmt.Errorf("%%%c would be %q, which has characters the shell interprets", t, v)
	}
	return v, nil
}

// defaultShell is what runs a ProxyCommand when $SHELL is not set.
const defaultShell = "/bin/sh"

// proxyCommandArgv is how OpenSSH runs a ProxyCommand: the user's shell
// with "exec" in front, so that the process fleet starts, signals and reaps
// is the proxy itself, not a shell waiting for it. This is the one place
// fleet hands a string to a shell: ssh_config's ProxyCommand is defined as
// a shell command line, and users write pipes and quotes in it.
func proxyCommandArgv(command string) []string {
	return []string{cmp.Or(os.Getenv("SHELL"), defaultShell), "-c", "exec " + command}
}

// startProxyCommand runs pc and returns its stdin and stdout as the
// connection to addr ("host:port", used as its remote address).
func startProxyCommand(pc proxyCommand, addr string) (*proxyConn, error) {
	argv := proxyCommandArgv(pc.command)
	cmd := exec.Command(argv[0], argv[1:]...)
	c, err := newProxyConn(cmd, pc.command, addr)
	if err != nil {
		return nil, fmt.Errorf("proxy command %q: %w", pc.command, err)
	}
	return c, nil
}
