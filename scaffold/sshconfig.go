package scaffold

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// SSHConfigHosts reads the ssh_config at file ("" is ~/.ssh/config) and
// returns the host names its Host lines name that match one of patterns
// (comma-separated path.Match patterns: "web*", "web*,db1"), in file
// order, each once. See ParseSSHConfigHosts for what is read.
func SSHConfigHosts(file, patterns string) ([]string, error) {
	if file == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("ssh_config: %w", err)
		}
		file = filepath.Join(home, ".ssh", "config")
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("read ssh_config: %w", err)
	}
	defer f.Close()
	all, err := ParseSSHConfigHosts(f)
	if err != nil {
		return nil, fmt.Errorf("read ssh_config %s: %w", file, err)
	}
	hosts, err := Match(all, patterns)
	if err != nil {
		return nil, fmt.Errorf("ssh_config %s: %w", file, err)
	}
	return hosts, nil
}

// ParseSSHConfigHosts returns the host names the Host lines of an
// ssh_config name, in order, each once. Patterns with wildcards or
// negations (*, ?, !: "Host *", "Host web-*") name no host and are left
// out; keywords are matched in any case, with "Host=a" and quoted names
// read as ssh reads them. Include is not followed and Match blocks are
// not read: a host named only there is not found.
func ParseSSHConfigHosts(r io.Reader) ([]string, error) {
	var hosts []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		key, args, err := sshConfigLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if !strings.EqualFold(key, "Host") {
			continue
		}
		for _, h := range args {
			if h == "" || strings.ContainsAny(h, "*?!") || seen[h] {
				continue
			}
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return hosts, nil
}

// sshConfigLine splits one line into its keyword and arguments, as
// OpenSSH does: whitespace (and at most one '=') after the keyword,
// arguments split on whitespace, double quotes keep one together, and an
// argument starting with '#' starts a comment. A blank line or
// comment has keyword "".
func sshConfigLine(line string) (string, []string, error) {
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' {
		return "", nil, nil
	}
	i := strings.IndexAny(line, " \t=")
	if i < 0 {
		return line, nil, nil
	}
	key, rest := line[:i], strings.TrimLeft(line[i:], " \t")
	rest = strings.TrimLeft(strings.TrimPrefix(rest, "="), " \t")
	var args []string
	for rest != "" && rest[0] != '#' {
		arg, more, err := nextArg(rest)
		if err != nil {
			return "", nil, err
		}
		args = append(args, arg)
		rest = strings.TrimLeft(more, " \t")
	}
	return key, args, nil
}

// nextArg splits the first argument off rest, which starts with one:
// up to the next whitespace, or between double quotes.
func nextArg(rest string) (arg, more string, err error) {
	if rest[0] == '"' {
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			return "", "", errors.New("unterminated quote")
		}
		return rest[1 : end+1], rest[end+2:], nil
	}
	end := strings.IndexAny(rest, " \t")
	if end < 0 {
		end = len(rest)
	}
	return rest[:end], rest[end:], nil
}

// Match returns the hosts that match one of patterns (comma-separated
// path.Match patterns), in the hosts' order. A malformed or empty pattern
// is an error, and so is no match at all, listing the hosts there are.
func Match(hosts []string, patterns string) ([]string, error) {
	var pats []string
	for p := range strings.SplitSeq(patterns, ",") {
		p = strings.TrimSpace(p)
		if _, err := path.Match(p, ""); err != nil || p == "" {
			return nil, fmt.Errorf("host pattern %q: want a name or a glob such as web*", p)
		}
		pats = append(pats, p)
	}
	var out []string
	for _, h := range hosts {
		if slices.ContainsFunc(pats, func(p string) bool { ok, _ := path.Match(p, h); return ok }) {
			out = append(out, h)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no Host matches %q (hosts there: %s)", patterns, orNone(hosts))
	}
	return out, nil
}

func orNone(hosts []string) string {
	if len(hosts) == 0 {
		return "none"
	}
	return strings.Join(hosts, ", ")
}
