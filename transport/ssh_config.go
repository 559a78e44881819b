package transport

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kevinburke/ssh_config"
)

// sshConfig is the subset of ssh_config(5) Dial honours. A nil *sshConfig
// answers every lookup with "".
type sshConfig struct {
	cfg *ssh_config.Config
}

// loadSSHConfig reads path, with "" meaning ~/.ssh/config when it exists and
// "none" meaning no file at all.
func loadSSHConfig(path string) (*sshConfig, error) {
	if path == sshConfigNone {
		return nil, nil
	}
	explicit := path != ""
	if !explicit {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, nil
		}
		path = filepath.Join(home, ".ssh", "config")
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open ssh_config: %w", err)
	}
	defer f.Close()
	cfg, err := ssh_config.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("parse ssh_config %s: %w", path, err)
	}
	return &sshConfig{cfg: cfg}, nil
}

func (s *sshConfig) get(alias, key string) (string, error) {
	if s == nil {
		return "", nil
	}
	v, err := s.cfg.Get(alias, key)
	if err != nil {
		return "", fmt.Errorf("ssh_config %s for %s: %w", key, alias, err)
	}
	return v, nil
}

func (s *sshConfig) getAll(alias, key string) ([]string, error) {
	if s == nil {
		return nil, nil
	}
	v, err := s.cfg.GetAll(alias, key)
	if err != nil {
		return nil, fmt.Errorf("ssh_config %s for %s: %w", key, alias, err)
	}
	return v, nil
}

// The two ssh_config keywords that say how to reach a host.
const (
	keyProxyJump    = "ProxyJump"
	keyProxyCommand = "ProxyCommand"
)

// proxy returns whichever of ProxyJump and ProxyCommand comes first for
// alias, as key and value (value may be "none"); "", "" when neither is
// set. OpenSSH keeps the first value it obtains of each keyword, and once
// one of these two is set it ignores the other, so the earlier line wins
// whatever its keyword. The first-match order is the one Get uses.
func (s *sshConfig) proxy(alias string) (key, value string) {
	if s == nil {
		return "", ""
	}
	for _, h := range s.cfg.Hosts {
		if !h.Matches(alias) {
			continue
		}
		for _, n := range h.Nodes {
			switch n := n.(type) {
			case *ssh_config.KV:
				for _, k := range []string{keyProxyJump, keyProxyCommand} {
					if strings.EqualFold(n.Key, k) && n.Value != "" {
						return k, n.Value
					}
				}
			case *ssh_config.Include:
				// An Include answers one keyword at a time, so the order
				// of the two inside the included files is lost; ProxyJump,
				// the one fleet also takes from its inventory, goes first.
				for _, k := range []string{keyProxyJump, keyProxyCommand} {
					if v := n.Get(alias, k); v != "" {
						return k, v
					}
				}
			}
		}
	}
	return "", ""
}

// port returns the Port entry for alias, 0 when there is none.
func (s *sshConfig) port(alias string) (int, error) {
	v, err := s.get(alias, "Port")
	if err != nil || v == "" {
		return 0, err
	}
	p, err := strconv.Atoi(v)
	if err != nil || p <= 0 || p > 65535 {
		return 0, fmt.Errorf("ssh_config Port for %s: invalid %q", alias, v)
	}
	return p, nil
}

// expandTokens replaces the ssh_config percent tokens we support (%h remote
// host, %r remote user, %u local user, %d home directory, %% a percent sign)
// and a leading ~. Unknown tokens are kept as written.
func expandTokens(s string, tok map[byte]string) string {
	if strings.HasPrefix(s, "~/") {
		s = tok['d'] + s[1:]
	}
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		if s[i] == '%' {
			b.WriteByte('%')
		} else if v, ok := tok[s[i]]; ok {
			b.WriteString(v)
		} else {
			b.WriteByte('%')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
