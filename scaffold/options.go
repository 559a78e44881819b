package scaffold

import (
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Options describe the one service fleet init writes an inventory for.
// Zero fields take the defaults WithDefaults fills in.
type Options struct {
	Name       string   // the service: app.name, the group, the unit's and binary's default names
	Binary     string   // the file in releases/<version>/ the unit runs; default Name
	Root       string   // the app root on every host; default /opt/<Name>
	Unit       string   // the systemd unit fleet restarts; default <Name>.service
	Port       int      // where the service answers its health check on the host; default 8080
	HealthPath string   // the health check's path; default /healthz
	Hosts      []string // host names (or ssh_config aliases) and addresses, in order; each once
	User       string   // the SSH user; default deploy. Anyone but root goes through sudo
	// SSHConfig is an ssh_config other than ~/.ssh/config for fleet to
	// read (ssh.config); "" leaves fleet's default.
	SSHConfig string
}

// Defaults of Options.
const (
	DefaultPort       = 8080
	DefaultHealthPath = "/healthz"
	DefaultUser       = "deploy"
)

// WithDefaults returns o with every unset field at its default.
func (o Options) WithDefaults() Options {
	if o.Binary == "" {
		o.Binary = o.Name
	}
	if o.Root == "" {
		o.Root = path.Join("/opt", o.Name)
	}
	if o.Unit == "" {
		o.Unit = o.Name + ".service"
	}
	if o.Port == 0 {
		o.Port = DefaultPort
	}
	if o.HealthPath == "" {
		o.HealthPath = DefaultHealthPath
	}
	if !strings.HasPrefix(o.HealthPath, "/") {
		o.HealthPath = "/" + o.HealthPath
	}
	if o.User == "" {
		o.User = DefaultUser
	}
	o.Hosts = once(o.Hosts)
	return o
}

// once is hosts with every name kept at its first place only: the
// command line and an ssh_config may both name a host.
func once(hosts []string) []string {
	var out []string
	for _, h := range hosts {
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// Tilde makes p absolute and writes it as ~/… when it lies under home,
// which the inventory expands for whoever runs fleet: a fleet.yaml kept
// in a repository then works for each user, and for a CI job with its
// own home.
func Tilde(p, home string) string {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	if home == "" || home == "/" {
		return p
	}
	if rel, ok := strings.CutPrefix(p, strings.TrimSuffix(home, "/")+"/"); ok {
		return "~/" + rel
	}
	return p
}

// Sudo reports whether the agent must be started with sudo: it needs
// root, and only root has it without.
func (o Options) Sudo() bool { return o.WithDefaults().User != "root" }

// CheckURL is the health check's URL, asked on the host itself.
func (o Options) CheckURL() string {
	o = o.WithDefaults()
	return "http://127.0.0.1:" + strconv.Itoa(o.Port) + o.HealthPath
}

// ExecStart is the path the unit runs: the current release's binary.
func (o Options) ExecStart() string {
	o = o.WithDefaults()
	return path.Join(o.Root, "current", o.Binary)
}
