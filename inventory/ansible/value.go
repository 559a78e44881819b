package ansible

import (
	"regexp"
	"strconv"
	"strings"
)

// pyLiteral is the text of an INI value as Ansible reads it: it runs
// ast.literal_eval, which takes a Python literal followed by a Python
// comment. So "8080  # the port" is 8080 and "'a b' # c" is a b, while
// "web  # c", which is no literal, stays whole. Strings lose their quotes
// (see pyString); numbers, True, False and None keep their spelling.
// Lists and dicts are kept as written, comment and all.
func pyLiteral(v string) string {
	v = strings.TrimSpace(v)
	end := literalEnd(v)
	if end < 0 {
		return pyString(v)
	}
	if rest := strings.TrimSpace(v[end:]); rest != "" && rest[0] != '#' {
		return v // not one literal: Python would fail, and Ansible keeps the text
	}
	return pyString(v[:end])
}

// pyNumber and pyConst are the literals pyLiteral recognises besides
// strings.
var (
	pyNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?`)
	pyConst  = regexp.MustCompile(`^(True|False|None)\b`)
)

// literalEnd returns where the Python literal at the start of v ends, or
// -1 when v does not start with one pyLiteral recognises.
func literalEnd(v string) int {
	if v == "" {
		return -1
	}
	if q := v[0]; q == '\'' || q == '"' {
		if strings.HasPrefix(v, strings.Repeat(string(q), 3)) {
			return -1
		}
		for i := 1; i < len(v); i++ {
			switch v[i] {
			case '\\':
				i++
			case q:
				return i + 1
			}
		}
		return -1
	}
	if m := pyNumber.FindString(v); m != "" {
		if len(m) < len(v) && !isSpace(v[len(m)]) && v[len(m)] != '#' {
			return -1 // 12abc, 1e5, 0x1F: kept as written
		}
		return len(m)
	}
	if m := pyConst.FindString(v); m != "" {
		return len(m)
	}
	return -1
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'
}

// pyString undoes the quoting of an INI value the way Ansible's
// ast.literal_eval does for a plain Python string literal: "'a b'" is
// a b, and "\"x\\ty\"" is x<TAB>y. Anything else (numbers, True, lists,
// text that is not one literal) is kept exactly as written: fleet keeps
// every variable as text.
func pyString(v string) string {
	if len(v) < 2 || (v[0] != '\'' && v[0] != '"') || v[len(v)-1] != v[0] {
		return v
	}
	q := v[0]
	body := v[1 : len(v)-1]
	if strings.HasPrefix(v, strings.Repeat(string(q), 3)) {
		return v // a triple-quoted string; rare enough to keep as written
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == q:
			return v // 'a' 'b' or 'a'b': not one literal
		case c == '\n':
			return v
		case c != '\\':
			b.WriteByte(c)
			continue
		}
		if i+1 == len(body) {
			return v // the backslash escapes the closing quote
		}
		i++
		n, skip, ok := pyEscape(body[i:])
		if !ok {
			b.WriteByte('\\')
			b.WriteByte(body[i])
			continue
		}
		b.WriteString(n)
		i += skip
	}
	return b.String()
}

// pyEscape decodes the escape after a backslash at the start of s. It
// returns the text, how many more bytes it used and whether it was an
// escape Python knows; unknown ones keep their backslash, as in Python.
func pyEscape(s string) (string, int, bool) {
	switch c := s[0]; c {
	case '\\', '\'', '"':
		return string(c), 0, true
	case '\n':
		return "", 0, true // a line continuation
	case 'n':
		return "\n", 0, true
	case 't':
		return "\t", 0, true
	case 'r':
		return "\r", 0, true
	case 'a':
		return "\a", 0, true
	case 'b':
		return "\b", 0, true
	case 'f':
		return "\f", 0, true
	case 'v':
		return "\v", 0, true
	case 'x':
		return pyCode(s, 2)
	case 'u':
		return pyCode(s, 4)
	case 'U':
		return pyCode(s, 8)
	}
	if s[0] >= '0' && s[0] <= '7' {
		n := 1
		for n < 3 && n < len(s) && s[n] >= '0' && s[n] <= '7' {
			n++
		}
		r, _ := strconv.ParseUint(s[:n], 8, 32)
		return string(rune(r)), n - 1, true
	}
	return "", 0, false
}

// pyCode decodes \xhh, \uhhhh and \Uhhhhhhhh, whose digits follow s[0].
func pyCode(s string, width int) (string, int, bool) {
	if len(s) < 1+width {
		return "", 0, false
	}
	r, err := strconv.ParseUint(s[1:1+width], 16, 32)
	if err != nil || r > 0x10FFFF {
		return "", 0, false
	}
	return string(rune(r)), width, true
}

// parsePort reads ansible_port: decimal digits, 1 to 65535. YAML gives
// 2222 and "2222" alike; INI values arrive unquoted already.
func parsePort(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.Trim(s, "0123456789") != "" || len(s) > 5 {
		return 0, false
	}
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 {
		return 0, false
	}
	return p, true
}
