package transport

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// HostKeyMode says what Dial does with a host whose key known_hosts does not
// hold yet.
type HostKeyMode string

const (
	// HostKeyStrict refuses hosts that are not in known_hosts. It is the
	// default because a deployer that trusts on first use can be pointed at
	// an impostor by anyone who controls DNS during the first rollout.
	HostKeyStrict HostKeyMode = "strict"
	// HostKeyAcceptNew behaves like OpenSSH's StrictHostKeyChecking=accept-new:
	// an unknown host's key is appended to known_hosts and the connection
	// goes on; a key that differs from a recorded one is still refused.
	HostKeyAcceptNew HostKeyMode = "accept-new"
)

const (
	defaultConnectTimeout = 10 * time.Second
	defaultKeepalive      = 15 * time.Second
	defaultPort           = 22
	// sshConfigNone disables ssh_config lookups, as in OpenSSH's "-F none".
	sshConfigNone = "none"
)

// Config says how to reach and authenticate hosts. The zero value is usable
// except for KnownHostsFile; DefaultConfig fills in the usual OpenSSH paths.
//
// For the target host, values are taken in this order: user or port written
// in the host string itself ("user@host:port"), then these fields, then the
// host's entry in ssh_config, then the current OS user and port 22.
type Config struct {
	// User to log in as.
	User string
	// Port to connect to.
	Port int
	// IdentityFiles are private key files tried after the agent's keys.
	// Passphrase-protected keys are skipped (use the agent for those). When
	// empty, ssh_config's IdentityFile entries are used, and failing those
	// ~/.ssh/id_ed25519, id_ecdsa and id_rsa if they exist.
	IdentityFiles []string
	// UseAgent offers the keys of the agent at SSH_AUTH_SOCK first.
	UseAgent bool
	// KnownHostsFile is the OpenSSH known_hosts file every host, jump hosts
	// included, is verified against. Required. In strict mode it must exist;
	// in accept-new mode it is created on first append.
	KnownHostsFile string
	// HostKeyMode is HostKeyStrict when empty.
	HostKeyMode HostKeyMode
	// Jump is a jump host, "[user@]host[:port]", or a comma-separated chain
	// of them, dialled in order. Like ssh -J it beats ssh_config: "" takes
	// ssh_config's ProxyJump or ProxyCommand; "none" disables both.
	Jump string
	// ConnectTimeout bounds TCP connect plus SSH handshake, for all hops
	// together. Default 10s.
	ConnectTimeout time.Duration
	// Keepalive is the interval of keepalive@openssh.com requests; after 3
	// unanswered ones the connection is closed so that blocked sessions
	// fail instead of hanging. Default 15s; negative disables.
	Keepalive time.Duration
	// SSHConfigFile is the ssh_config file to read: "" means ~/.ssh/config
	// if it exists, "none" means no lookup. HostName, User, Port,
	// IdentityFile, ProxyJump and ProxyCommand are honoured; of the last
	// two the first one set wins, as in ssh. A ProxyCommand (%h %n %p %r
	// %% expanded) runs as `$SHELL -c "exec COMMAND"` for the first hop
	// and lives as long as the connection; see ProxyCommandError.
	SSHConfigFile string
	// Logger receives debug logs (and a warning for each key accept-new
	// records); Dial adds an "ssh" attribute, "user@host:port". nil
	// discards them.
	Logger *slog.Logger
}

// DefaultConfig returns the settings an interactive OpenSSH user expects:
// the agent, ~/.ssh/known_hosts in strict mode and ~/.ssh/config.
func DefaultConfig() Config {
	cfg := Config{UseAgent: true, HostKeyMode: HostKeyStrict}
	if home, err := os.UserHomeDir(); err == nil {
		cfg.KnownHostsFile = filepath.Join(home, ".ssh", "known_hosts")
	}
	return cfg
}

// withDefaults validates cfg and fills in its zero fields.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = defaultConnectTimeout
	}
	if cfg.Keepalive == 0 {
		cfg.Keepalive = defaultKeepalive
	}
	switch cfg.HostKeyMode {
	case "":
		cfg.HostKeyMode = HostKeyStrict
	case HostKeyStrict, HostKeyAcceptNew:
	default:
		return cfg, fmt.Errorf("host key mode %q: want %q or %q", cfg.HostKeyMode, HostKeyStrict, HostKeyAcceptNew)
	}
	if cfg.KnownHostsFile == "" {
		return cfg, fmt.Errorf("known_hosts file not set")
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return cfg, fmt.Errorf("port %d out of range", cfg.Port)
	}
	return cfg, nil
}
