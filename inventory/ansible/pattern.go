package ansible

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// maxExpand bounds what one host pattern may expand to, so a typo such as
// web[1:1000000] is an error rather than a million hosts.
const maxExpand = 10000

// letters is Python's string.ascii_letters, the order Ansible walks
// alphabetic ranges in: [x:B] runs x, y, z, A, B.
const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// hostPattern splits a host pattern such as web[01:20].example.com:2222
// into the host names it stands for and its port ("" if none), as
// Ansible's parse_address and expand_hostname_range do.
func hostPattern(p string) ([]string, string, error) {
	if strings.HasPrefix(p, "[") && strings.HasSuffix(p, "]") {
		if _, err := netip.ParseAddr(p[1 : len(p)-1]); err == nil {
			return nil, "", fmt.Errorf("host pattern %q: brackets around an IPv6 address need a port, as in %s:22; without one, drop them", p, p)
		}
	}
	host, port := splitPort(p)
	if strings.HasSuffix(host, ":") {
		return nil, "", fmt.Errorf("host pattern %q ends in ':'; a port must follow it", p)
	}
	if strings.TrimSpace(host) == "---" {
		return nil, "", fmt.Errorf("host pattern %q is a YAML document marker; is this file YAML with a syntax error?", p)
	}
	names, err := expandRanges(host)
	if err != nil {
		return nil, "", fmt.Errorf("host pattern %q: %w", p, err)
	}
	return names, port, nil
}

// splitPort separates host:port, [v6]:port and pattern:port. A bare IPv6
// address has no port: its colons are its own.
func splitPort(p string) (host, port string) {
	if strings.HasPrefix(p, "[") {
		if end := strings.LastIndex(p, "]:"); end > 0 && isDigits(p[end+2:]) {
			if _, err := netip.ParseAddr(p[1:end]); err == nil {
				return p[1:end], p[end+2:]
			}
		}
	}
	// host:port where host may hold [a:b] ranges but no other colon.
	i := strings.LastIndexByte(p, ':')
	if i < 0 || !isDigits(p[i+1:]) {
		return p, ""
	}
	depth := 0
	for _, c := range p[:i] {
		switch {
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == ':' && depth == 0:
			return p, "" // an IPv6 address, or not host:port at all
		}
	}
	return p[:i], p[i+1:]
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// expandRanges expands every [start:end] or [start:end:step] in p, left
// to right, as Ansible does.
func expandRanges(p string) ([]string, error) {
	open := strings.IndexByte(p, '[')
	if shut := strings.IndexByte(p, ']'); shut >= 0 && (open < 0 || shut < open) {
		return nil, fmt.Errorf("']' without '['")
	}
	if open < 0 {
		return []string{p}, nil
	}
	shut := strings.IndexByte(p[open:], ']')
	if shut < 0 {
		return nil, fmt.Errorf("'[' without ']'")
	}
	head, body, tail := p[:open], p[open+1:open+shut], p[open+shut+1:]
	seq, err := rangeSeq(body)
	if err != nil {
		return nil, err
	}
	tails, err := expandRanges(tail)
	if err != nil {
		return nil, err
	}
	if len(seq)*len(tails) > maxExpand {
		return nil, fmt.Errorf("expands to more than %d hosts", maxExpand)
	}
	out := make([]string, 0, len(seq)*len(tails))
	for _, s := range seq {
		for _, t := range tails {
			out = append(out, head+s+t)
		}
	}
	return out, nil
}

// rangeSeq returns the items of one range body such as "01:20:2" or "a:f".
func rangeSeq(body string) ([]string, error) {
	parts := strings.Split(body, ":")
	if len(parts) != 2 && len(parts) != 3 {
		return nil, fmt.Errorf("range [%s] must be [start:end] or [start:end:step]", body)
	}
	beg, end, step := parts[0], parts[1], 1
	if len(parts) == 3 {
		s, err := strconv.Atoi(parts[2])
		if err != nil || !isDigits(parts[2]) || s < 1 {
			return nil, fmt.Errorf("range [%s] has step %q; it must be a whole number of at least 1", body, parts[2])
		}
		step = s
	}
	if beg == "" {
		beg = "0" // as in Ansible: [:5] is [0:5]
	}
	if end == "" {
		return nil, fmt.Errorf("range [%s] has no end", body)
	}
	ib, ie := strings.Index(letters, beg), strings.Index(letters, end)
	switch {
	case len(beg) == 1 && len(end) == 1 && ib >= 0 && ie >= 0:
		if ib > ie {
			return nil, fmt.Errorf("range [%s] starts after it ends", body)
		}
		var seq []string
		for i := ib; i <= ie; i += step {
			seq = append(seq, letters[i:i+1])
		}
		return seq, nil
	case isDigits(beg) && isDigits(end):
		return numericSeq(body, beg, end, step)
	}
	return nil, fmt.Errorf("range [%s] must be numbers such as [01:20] or single letters such as [a:f]", body)
}

func numericSeq(body, beg, end string, step int) ([]string, error) {
	width := 0
	if beg[0] == '0' && len(beg) > 1 {
		// A leading zero asks for zero padding to the width of beg.
		if len(beg) != len(end) {
			return nil, fmt.Errorf("range [%s] pads with zeros, so start and end must have the same number of digits", body)
		}
		width = len(beg)
	}
	ib, err1 := strconv.Atoi(beg)
	ie, err2 := strconv.Atoi(end)
	if err1 != nil || err2 != nil || len(end) > 9 {
		return nil, fmt.Errorf("range [%s] is too large", body)
	}
	if ib > ie {
		return nil, fmt.Errorf("range [%s] starts after it ends", body)
	}
	if (ie-ib)/step+1 > maxExpand {
		return nil, fmt.Errorf("expands to more than %d hosts", maxExpand)
	}
	var seq []string
	for i := ib; i <= ie; i += step {
		seq = append(seq, fmt.Sprintf("%0*d", width, i))
	}
	return seq, nil
}
