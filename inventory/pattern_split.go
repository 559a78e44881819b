package inventory

import (
	"net/netip"
	"regexp"
	"strings"
)

// splitPattern splits a pattern into its terms as Ansible's
// split_host_pattern does. With a comma, only commas separate, so
// "web:db,app" is the terms "web:db" and "app". Without one, a pattern
// that reads as one address (a host name with ranges such as web[0:2],
// an IPv4 or IPv6 address, host:port) is one term; anything else is
// split at colons outside brackets: "web:!web3" is "web" and "!web3".
func splitPattern(p string) []string {
	var parts []string
	switch {
	case strings.Contains(p, ","):
		parts = strings.Split(p, ",")
	case isAddress(p):
		parts = []string{p}
	default:
		parts = colonTerms.FindAllString(p, -1)
		if strings.Trim(colonTerms.ReplaceAllString(p, ""), ": \t\r\n") != "" {
			// Ansible's regex skips a stray bracket, so "web[" would be
			// "web"; keep the text whole, to be refused as written.
			parts = []string{p}
		}
	}
	var out []string
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// colonTerms is Ansible's regex for ':'-separated terms: runs of
// characters other than whitespace, ':' and brackets, or whole
// bracketed expressions.
var colonTerms = regexp.MustCompile(`(?:[^\s:\[\]]|\[[^\]]*\])+`)

// The address forms of Ansible's parse_address with ranges allowed,
// which decide whether a pattern without commas is one term.
var (
	bracketedHostPort = regexp.MustCompile(`^\[(.+)\]:[0-9]+$`)
	hostPort          = regexp.MustCompile(`^((?:[^:\[\]]|\[[^\]]*\])*):[0-9]+$`)
	ipv4Part          = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|\[[0-9]+:[0-9]+(?::[0-9]+)?\])`
	ipv4Address       = regexp.MustCompile(`^(?:` + ipv4Part + `\.){3}` + ipv4Part + `$`)
	alnumRange        = `\[(?:[a-zA-Z]:[a-zA-Z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`
	hostLabel         = `(?:[\p{L}\p{N}_]|` + alnumRange + `)(?:[\p{L}\p{N}_-]|` + alnumRange + `)*`
	hostName          = regexp.MustCompile(`^` + hostLabel + `(?:\.` + hostLabel + `)*$`)
)

// isAddress reports whether p reads as one address to parse_address.
// IPv6 is approximated by netip with any ranges taken out; the
// difference only matters for patterns nobody types.
func isAddress(p string) bool {
	if m := bracketedHostPort.FindStringSubmatch(p); m != nil {
		p = m[1]
	} else if m := hostPort.FindStringSubmatch(p); m != nil {
		p = m[1]
	}
	if ipv4Address.MatchString(p) || hostName.MatchString(p) && labelsEndWell(p) {
		return true
	}
	_, err := netip.ParseAddr(rangeFree.ReplaceAllString(p, "0"))
	return err == nil
}

var rangeFree = regexp.MustCompile(`\[[0-9a-fA-F]+:[0-9a-fA-F]+(?::[0-9]+)?\]`)

// labelsEndWell is the (?<![_-]) of Ansible's label rule, which RE2
// cannot say: no label ends in '_' or '-'.
func labelsEndWell(p string) bool {
	for l := range strings.SplitSeq(p, ".") {
		if strings.HasSuffix(l, "_") || strings.HasSuffix(l, "-") {
			return false
		}
	}
	return true
}
