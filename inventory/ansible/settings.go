package ansible

import (
	"fmt"
	"regexp"
	"strings"
)

// The connection settings fleet reads are ansible_host, ansible_user,
// ansible_port (and their ansible_ssh_* spellings), ansible_connection
// and the private key file. ignoredSetting says why each other one is
// not honoured, so a selection can warn about it where it is set.
// Settings about running modules (ansible_python_interpreter,
// ansible_shell_type, …) are not about reaching the host and pass
// silently, as any other variable does.
func ignoredSetting(name string) (reason string, ok bool) {
	if r, ok := ignoredSettings[name]; ok {
		return r, true
	}
	for _, p := range ignoredPrefixes {
		if strings.HasPrefix(name, p.prefix) {
			return p.reason, true
		}
	}
	return "", false
}

const (
	sshArgsReason  = "not read: fleet passes no options to ssh; set jump hosts and other ssh settings in the --app file's ssh block, or in ssh_config"
	ownSSHReason   = "not read: fleet uses its own SSH client"
	passwordReason = "not read: fleet authenticates with keys (ssh-agent or identity files), never passwords"
	becomeReason   = "not read: fleet runs its agent as root through sudo when the --app file's ssh.sudo is true (passwordless), and never otherwise"
	hostKeyNote    = "fleet always checks host keys against known_hosts (ssh.known_hosts and ssh.host_key_check in the --app file)"
	hostKeyReason  = "not honoured: " + hostKeyNote
)

var ignoredSettings = map[string]string{
	"ansible_ssh_common_args":            sshArgsReason,
	"ansible_ssh_extra_args":             sshArgsReason,
	"ansible_ssh_args":                   sshArgsReason,
	"ansible_sftp_extra_args":            sshArgsReason,
	"ansible_scp_extra_args":             sshArgsReason,
	"ansible_ssh_executable":             ownSSHReason,
	"ansible_sftp_executable":            ownSSHReason,
	"ansible_scp_executable":             ownSSHReason,
	"ansible_ssh_pipelining":             ownSSHReason,
	"ansible_pipelining":                 ownSSHReason,
	"ansible_ssh_transfer_method":        ownSSHReason,
	"ansible_scp_if_ssh":                 ownSSHReason,
	"ansible_sftp_batch_mode":            ownSSHReason,
	"ansible_ssh_use_tty":                ownSSHReason,
	"ansible_ssh_retries":                ownSSHReason,
	"ansible_control_path":               ownSSHReason,
	"ansible_control_path_dir":           ownSSHReason,
	"ansible_ssh_pkcs11_provider":        ownSSHReason,
	"ansible_sshpass_prompt":             passwordReason,
	"ansible_ssh_timeout":                "not read: set ssh.connect_timeout in the --app file",
	"ansible_timeout":                    "not read: set ssh.connect_timeout in the --app file",
	"ansible_password":                   passwordReason,
	"ansible_ssh_pass":                   passwordReason,
	"ansible_ssh_password":               passwordReason,
	"ansible_host_key_checking":          hostKeyReason,
	"ansible_ssh_host_key_checking":      hostKeyReason,
	"ansible_paramiko_host_key_checking": hostKeyReason,
}

var ignoredPrefixes = []struct{ prefix, reason string }{
	{"ansible_become", becomeReason},
	{"ansible_sudo", becomeReason},
	{"ansible_su_", becomeReason},
	{"ansible_paramiko_", ownSSHReason},
}

// weakening finds ssh options that turn host key checking off, as in
// -o StrictHostKeyChecking=no or -o UserKnownHostsFile=/dev/null.
var weakening = regexp.MustCompile(`(?i)\b(StrictHostKeyChecking\s*[= ]\s*["']?(?:no|off)\b|(?:User|Global)KnownHostsFile\s*[= ]\s*["']?/dev/null)`)

// warning says why a setting is not honoured. Security marks one that
// would weaken host authentication; only the offending options are
// quoted, as the rest of the value may hold what no log should.
func warning(name, text, reason string) (msg string, security bool) {
	switch {
	case reason == sshArgsReason:
		if bad := weakening.FindAllString(text, -1); len(bad) > 0 {
			return fmt.Sprintf("%s; in particular %s would turn host key checking off, which is never honoured: %s",
				reason, strings.Join(bad, " and "), hostKeyNote), true
		}
	case reason == hostKeyReason && isFalse(text):
		return fmt.Sprintf("%s=%s would turn host key checking off: %s", name, strings.TrimSpace(text), reason), true
	}
	return reason, false
}

// isFalse is Ansible's boolean false, as written in INI or YAML.
func isFalse(s string) bool {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(s), `'"`)) {
	case "false", "no", "off", "0", "n", "f":
		return true
	}
	return false
}
