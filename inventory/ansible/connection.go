package ansible

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// connection fills in how to reach the host: address, user, port,
// connection type and key file. A value that is valid Ansible but that
// fleet cannot use (a template, a vault value, a connection that is not
// SSH) becomes a problem kept on the host, at the place that sets it,
// raised only if the host is selected; a bad port or key path is a
// mistake in the file and refuses it. When both spellings are set, the ansible_ssh_*
// one wins, as in Ansible's ssh plugin.
func (b *builder) connection(h *host, groups []string, vars map[string]value) Host {
	out := Host{Name: h.name, Address: h.name, Groups: groups, Vars: make(map[string]string, len(vars)), Line: h.at.line}
	d := &detail{set: vars}
	b.details[h.name] = d
	for k, v := range vars {
		out.Vars[k] = v.text
	}
	if name, v, ok := pick(vars, "ansible_host", "ansible_ssh_host"); ok && v.text != "" && d.literal(name, v, "address") {
		out.Address = v.text
	}
	if name, v, ok := pick(vars, "ansible_user", "ansible_ssh_user"); ok && d.literal(name, v, "user") {
		out.User = v.text
	}
	if name, v, ok := pick(vars, "ansible_port", "ansible_ssh_port"); ok && d.literal(name, v, "port") {
		if p, good := parsePort(v.text); good {
			out.Port = p
		} else {
			// A mistake, not Ansible that fleet does not evaluate: refused
			// with the file, once where it is set.
			b.add(v.at, "%s must be a port number between 1 and 65535, got %q", name, v.text)
		}
	}
	if name, v, ok := pick(vars, "ansible_connection"); ok && d.literal(name, v, "connection type") {
		out.Connection = strings.TrimSpace(v.text)
		if !out.SSHConnection() {
			d.refuse(ErrNotSSH, name, v, fmt.Sprintf("connection %q is not SSH, which is how fleet deploys: it would dial %s over SSH instead; "+
				"leave the host out of the selection, or skip such hosts", out.Connection, out.Address))
		}
	}
	if name, v, ok := pick(vars, "ansible_private_key_file", "ansible_ssh_private_key_file"); ok && v.text != "" && d.literal(name, v, "path") {
		if p, err := expandKeyPath(v.text); err != nil {
			b.add(v.at, "%s %s", name, err)
		} else {
			out.IdentityFiles = []string{p}
		}
	}
	return out
}

// literal reports whether v can be used as written; a Jinja2 template
// or a vault value refuses the host, at the line that sets it.
func (h *detail) literal(name string, v value, what string) bool {
	switch {
	case v.vault:
		h.refuse(ErrVault, name, v, fmt.Sprintf("vault values are not decrypted: set a literal %s", what))
		return false
	case isTemplate(v.text):
		h.refuse(ErrTemplate, name, v, fmt.Sprintf("Jinja2 is not evaluated: set a literal %s, got %q", what, v.text))
		return false
	}
	return true
}

func (h *detail) refuse(kind error, name string, v value, msg string) {
	h.problems = append(h.problems, problem{kind: kind, field: name, at: v.at, msg: msg})
}

// isTemplate reports whether Ansible would template s: it holds the
// start of a Jinja2 expression, statement or comment.
func isTemplate(s string) bool {
	return strings.Contains(s, "{{") || strings.Contains(s, "{%") || strings.Contains(s, "{#")
}

// expandKeyPath expands ~ and ~/ as Ansible's expanduser does; ~user is
// refused rather than looked up. A relative path stays relative to the
// working directory, as it is for ssh -i.
func expandKeyPath(p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		if strings.HasPrefix(p, "~") {
			return "", fmt.Errorf("only ~ and ~/ are expanded, not ~user: set the path, got %q", p)
		}
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("%q needs $HOME: %w", p, err)
	}
	return filepath.Join(home, p[1:]), nil
}

// pick returns the last of names that is set, and its value.
func pick(vars map[string]value, names ...string) (string, value, bool) {
	var (
		name  string
		v     value
		found bool
	)
	for _, n := range names {
		if w, ok := vars[n]; ok {
			name, v, found = n, w, true
		}
	}
	return name, v, found
}
