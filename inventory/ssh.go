package inventory

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
	"go.yaml.in/yaml/v3"
)

// SSH is how to reach one host, fully resolved: defaults, then the top-level
// ssh block, then the group's, then the host's. Paths have ~ expanded.
//
// User "" and Port 0 mean "not set in fleet.yaml": the transport then takes
// them from ssh_config, or uses the local user and port 22, as ssh does.
type SSH struct {
	User           string
	Port           int
	IdentityFiles  []string
	KnownHosts     string // default ~/.ssh/known_hosts
	HostKeyCheck   string // HostKeyStrict (default) or HostKeyAcceptNew
	Jump           string // [user@]host[:port][,...]; "" = ssh_config's ProxyJump; NoJump disables
	Sudo           bool
	ConnectTimeout time.Duration // default 10s
	Keepalive      time.Duration // default 15s; 0 disables
	Config         string        // ssh_config file; "" = ~/.ssh/config if it exists; NoSSHConfig disables
}

// Host key policies.
const (
	HostKeyStrict    = "strict"
	HostKeyAcceptNew = "accept-new"
)

// NoSSHConfig as SSH.Config turns ssh_config lookups off.
const NoSSHConfig = "none"

// NoJump as SSH.Jump connects directly even if ssh_config names a
// ProxyJump; it is also how a host drops its group's jump host.
const NoJump = "none"

const (
	defaultKnownHosts     = "~/.ssh/known_hosts"
	defaultConnectTimeout = 10 * time.Second
	defaultKeepalive      = 15 * time.Second
)

var sshFields = []string{"user", "port", "identity_files", "known_hosts", "host_key_check",
	"jump", "sudo", "connect_timeout", "keepalive", "config"}

// sshLayer is one ssh block as written. nil means "not set here", so an
// override changes only the fields it names.
type sshLayer struct {
	user, knownHosts, hostKeyCheck, jump, config *string
	port                                         *int
	identityFiles                                *[]string
	sudo                                         *bool
	connectTimeout, keepalive                    *time.Duration
}

// over returns base with the layer's settings on top.
func (l sshLayer) over(base SSH) SSH {
	s := base
	s.IdentityFiles = slices.Clone(base.IdentityFiles)
	setIf(&s.User, l.user)
	setIf(&s.KnownHosts, l.knownHosts)
	setIf(&s.HostKeyCheck, l.hostKeyCheck)
	setIf(&s.Jump, l.jump)
	setIf(&s.Config, l.config)
	setIf(&s.Port, l.port)
	setIf(&s.Sudo, l.sudo)
	setIf(&s.ConnectTimeout, l.connectTimeout)
	setIf(&s.Keepalive, l.keepalive)
	if l.identityFiles != nil {
		s.IdentityFiles = slices.Clone(*l.identityFiles)
	}
	return s
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// sshLayer decodes one ssh block: top-level, group or host.
func (d *decoder) sshLayer(n *yaml.Node, a at) sshLayer {
	f := d.fields(n, a, sshFields...)
	l := sshLayer{
		user:           optional(d, f, "user", a, d.str, validUser),
		port:           optional(d, f, "port", a, d.integer, appspec.Port),
		jump:           optional(d, f, "jump", a, d.str, validJumpSetting),
		sudo:           optional(d, f, "sudo", a, d.boolean, nil),
		hostKeyCheck:   optional(d, f, "host_key_check", a, d.str, validHostKeyCheck),
		connectTimeout: optional(d, f, "connect_timeout", a, d.duration, appspec.Positive),
		keepalive:      optional(d, f, "keepalive", a, d.duration, nil),
		knownHosts:     optional(d, f, "known_hosts", a, d.path, nil),
		config:         optional(d, f, "config", a, d.sshConfigPath, nil),
	}
	if n, ok := f["identity_files"]; ok {
		l.identityFiles = d.identityFiles(n, a.key("identity_files"))
	}
	return l
}

func (d *decoder) identityFiles(n *yaml.Node, a at) *[]string {
	files := []string{}
	ok := true
	for i, item := range d.seq(n, a) {
		p, good := d.path(item, a.index(i))
		files = append(files, p)
		ok = ok && good
	}
	if !ok {
		return nil
	}
	return &files
}

// path reads a file path and expands ~ in it.
func (d *decoder) path(n *yaml.Node, a at) (string, bool) {
	if m := Deref(n); m != nil && IsNull(m) && m.Value == "~" {
		d.errorf(m, a, `a bare ~ is YAML for "no value"; write "~" or '~' for the home directory`)
		return "", false
	}
	s, ok := d.str(n, a)
	if !ok {
		return "", false
	}
	p, err := expandHome(d.home, s)
	if err != nil {
		d.invalid(Deref(n), a, err)
		return "", false
	}
	return p, true
}

// sshConfigPath is path, except that "none" stays "none".
func (d *decoder) sshConfigPath(n *yaml.Node, a at) (string, bool) {
	if m := Deref(n); m != nil && m.Kind == yaml.ScalarNode && m.Value == NoSSHConfig {
		return NoSSHConfig, true
	}
	return d.path(n, a)
}

// validJumpSetting accepts what ssh's ProxyJump does: "none", or one or
// more comma-separated hops. "" is let through as "not set here".
func validJumpSetting(s string) error {
	if s == "" || s == NoJump {
		return nil
	}
	for hop := range strings.SplitSeq(s, ",") {
		if err := validJump(hop); err != nil {
			return err
		}
	}
	return nil
}

func validHostKeyCheck(s string) error {
	if s != HostKeyStrict && s != HostKeyAcceptNew {
		return fmt.Errorf("must be %s or %s, got %q", HostKeyStrict, HostKeyAcceptNew, s)
	}
	return nil
}

// defaultSSH is the base every ssh block is layered on. The default
// known_hosts needs $HOME; when it is unset the top-level block must name
// one, and the error says so at that block (or the file's start). Config
// stays "" by default: the transport then reads ~/.ssh/config only if it
// exists, which an expanded path could not express.
func (d *decoder) defaultSSH(top sshLayer, where *yaml.Node) SSH {
	s := SSH{
		HostKeyCheck:   HostKeyStrict,
		ConnectTimeout: defaultConnectTimeout,
		Keepalive:      defaultKeepalive,
	}
	if top.knownHosts != nil {
		return s
	}
	p, err := expandHome(d.home, defaultKnownHosts)
	if err != nil {
		d.errorf(where, at{field: "ssh.known_hosts"},
			"$HOME is not set, so the default %s cannot be used; set an absolute path", defaultKnownHosts)
		return s
	}
	s.KnownHosts = p
	return s
}
