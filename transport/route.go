package transport

import (
	"cmp"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

// endpoint is one SSH server to dial, with ssh_config already applied.
type endpoint struct {
	name     string // host as the caller (or ProxyJump) wrote it
	hostname string // what is dialled and looked up in known_hosts
	port     int
	user     string
	// identityFiles are key files to offer; explicit ones must be readable,
	// the others (ssh_config, OpenSSH defaults) are skipped when missing.
	identityFiles []string
	explicitIDs   bool
	// proxy, when set, is the command whose stdin and stdout reach this
	// endpoint instead of a TCP connection; only a route's first hop has
	// one.
	proxy proxyCommand
}

// addr is the "host:port" that is dialled and verified.
func (e endpoint) addr() string {
	return net.JoinHostPort(e.hostname, strconv.Itoa(e.port))
}

func (e endpoint) String() string {
	return e.user + "@" + net.JoinHostPort(e.name, strconv.Itoa(e.port))
}

// route is the hops to a target: jump hosts in dialling order, then the
// target itself.
type route struct {
	jumps  []endpoint
	target endpoint
}

// sharedHop names what every dial of this route goes through and so shares
// with other routes: the first jump host's address, or the ProxyCommand as
// written in ssh_config (a bastion, most often); "" for a direct dial. The
// label is for errors.
func (r route) sharedHop() (key, label string) {
	switch {
	case len(r.jumps) > 0:
		return r.jumps[0].addr(), "jump host " + r.jumps[0].String()
	case r.target.proxy.command != "":
		return keyProxyCommand + " " + r.target.proxy.template, "proxy command"
	}
	return "", ""
}

// resolveRoute applies ssh_config and cfg to host and its jump hosts.
func resolveRoute(host string, cfg Config) (route, error) {
	sc, err := loadSSHConfig(cfg.SSHConfigFile)
	if err != nil {
		return route{}, err
	}
	local, err := localUser()
	if err != nil {
		return route{}, err
	}
	target, err := resolveEndpoint(sc, host, cfg.User, cfg.Port, cfg.IdentityFiles, local)
	if err != nil {
		return route{}, err
	}
	// Config.Jump is ssh's -J: given, it beats both ssh_config keywords,
	// and "none" turns both off.
	key, value := keyProxyJump, cfg.Jump
	if value == "" {
		key, value = sc.proxy(target.name)
	}
	r := route{target: target}
	switch {
	case value == "" || isNone(value):
		return r, nil
	case key == keyProxyCommand:
		if r.target.proxy, err = newProxyCommand(value, target); err != nil {
			return route{}, err
		}
		return r, nil
	}
	if r.jumps, err = resolveJumps(sc, value, cfg.IdentityFiles, local); err != nil {
		return route{}, err
	}
	return r, nil
}

// resolveJumps resolves a ProxyJump list, "hop[,hop...]".
func resolveJumps(sc *sshConfig, spec string, ids []string, local string) ([]endpoint, error) {
	var jumps []endpoint
	for _, hop := range strings.Split(spec, ",") {
		// Config.User and Config.Port are the target's, as with ssh -l/-p;
		// a jump host takes its own from the spec or ssh_config.
		ep, err := resolveEndpoint(sc, strings.TrimSpace(hop), "", 0, ids, local)
		if err != nil {
			return nil, fmt.Errorf("jump host %q: %w", hop, err)
		}
		jumps = append(jumps, ep)
	}
	// ssh reaches the first jump host as it would reach it directly, so
	// through its own ProxyCommand if it has one (a bastion behind AWS SSM).
	// A ProxyJump of the jump host's own is not followed.
	first := &jumps[0]
	if key, value := sc.proxy(first.name); key == keyProxyCommand && !isNone(value) {
		var err error
		if first.proxy, err = newProxyCommand(value, *first); err != nil {
			return nil, fmt.Errorf("jump host %q: %w", first.name, err)
		}
	}
	return jumps, nil
}

// isNone reports whether a ProxyJump or ProxyCommand value is "none",
// which ssh matches in any case.
func isNone(value string) bool { return strings.EqualFold(value, sshConfigNone) }

// resolveEndpoint turns "[user@]host[:port]" into an endpoint. Values
// written in spec win over user/port/ids, which win over ssh_config, which
// wins over the local user and port 22.
func resolveEndpoint(sc *sshConfig, spec, user string, port int, ids []string, local string) (endpoint, error) {
	specUser, alias, specPort, err := parseDest(spec)
	if err != nil {
		return endpoint{}, err
	}
	ep := endpoint{name: alias, user: cmp.Or(specUser, user), port: cmp.Or(specPort, port)}
	hostname, err := sc.get(alias, "HostName")
	if err != nil {
		return endpoint{}, err
	}
	home, _ := os.UserHomeDir()
	tok := map[byte]string{'h': alias, 'u': local, 'd': home}
	ep.hostname = cmp.Or(expandTokens(hostname, tok), alias)
	if ep.user == "" {
		if ep.user, err = sc.get(alias, "User"); err != nil {
			return endpoint{}, err
		}
		ep.user = cmp.Or(ep.user, local)
	}
	if ep.port == 0 {
		if ep.port, err = sc.port(alias); err != nil {
			return endpoint{}, err
		}
		ep.port = cmp.Or(ep.port, defaultPort)
	}
	ep.identityFiles, ep.explicitIDs = ids, len(ids) > 0
	if !ep.explicitIDs {
		if ep.identityFiles, err = configIdentities(sc, alias, home, tok, ep.user); err != nil {
			return endpoint{}, err
		}
	}
	return ep, nil
}

// configIdentities returns ssh_config's IdentityFile entries for alias, or
// OpenSSH's default key files when there are none.
func configIdentities(sc *sshConfig, alias, home string, tok map[byte]string, remoteUser string) ([]string, error) {
	files, err := sc.getAll(alias, "IdentityFile")
	if err != nil {
		return nil, err
	}
	tok['h'], tok['r'] = alias, remoteUser
	var out []string
	for _, f := range files {
		out = append(out, expandTokens(f, tok))
	}
	if len(out) == 0 && home != "" {
		for _, name := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			out = append(out, filepath.Join(home, ".ssh", name))
		}
	}
	return out, nil
}

// parseDest splits "[user@]host[:port]". A bare IPv6 address has no port;
// write "[::1]:2222" to give one.
func parseDest(spec string) (user, host string, port int, err error) {
	if spec == "" {
		return "", "", 0, fmt.Errorf("empty host")
	}
	if i := strings.LastIndexByte(spec, '@'); i >= 0 {
		user, spec = spec[:i], spec[i+1:]
	}
	host = spec
	if strings.Count(spec, ":") == 1 || strings.HasPrefix(spec, "[") {
		h, p, splitErr := net.SplitHostPort(spec)
		if splitErr != nil {
			return "", "", 0, fmt.Errorf("parse host %q: %w", spec, splitErr)
		}
		port, err = strconv.Atoi(p)
		if err != nil || port <= 0 || port > 65535 {
			return "", "", 0, fmt.Errorf("parse host %q: invalid port %q", spec, p)
		}
		host = h
	}
	if host == "" {
		return "", "", 0, fmt.Errorf("parse host %q: empty host name", spec)
	}
	return user, host, port, nil
}

// localUser is OpenSSH's default remote user: the local login name.
func localUser() (string, error) {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username, nil
	}
	if u := os.Getenv("USER"); u != "" {
		return u, nil
	}
	return "", fmt.Errorf("no user given and the current user is unknown")
}
