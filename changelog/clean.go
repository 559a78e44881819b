package changelog

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ellipsis marks a cut text.
const ellipsis = "…"

// clean makes untrusted text (a commit subject, an author, git's own
// messages) safe to print on one terminal line: invalid UTF-8 becomes
// U+FFFD; escape sequences (ESC or C1 introduced: CSI, OSC, DCS, SOS, PM,
// APC and two-character escapes) are removed whole; tabs, newlines and
// carriage returns become a space; other control characters and
// bidirectional controls are dropped; and the result is cut to at most limit
// bytes on a UTF-8 boundary, ending with "…" when cut (limit >= 3).
func clean(s string, limit int) string {
	rs := []rune(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == 0x1b || (r >= 0x80 && r <= 0x9f && introducer(r) != 0):
			i = skipEscape(rs, i)
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
		default:
			b.WriteRune(r)
		}
	}
	return truncate(b.String(), limit)
}

// introducer maps a C1 control to the character that follows ESC in its
// 7-bit form (CSI U+009B is ESC [), or 0 for a C1 control that starts no
// sequence.
func introducer(r rune) rune {
	switch r {
	case 0x9b:
		return '['
	case 0x9d:
		return ']'
	case 0x90:
		return 'P'
	case 0x98:
		return 'X'
	case 0x9e:
		return '^'
	case 0x9f:
		return '_'
	}
	return 0
}

// skipEscape returns the index of the last rune of the escape sequence
// that starts at rs[i] (ESC, or a C1 introducer); for an unterminated
// sequence, an index at or past the last rune of rs.
func skipEscape(rs []rune, i int) int {
	kind := introducer(rs[i])
	if rs[i] == 0x1b {
		if i+1 >= len(rs) {
			return i
		}
		i++
		kind = rs[i]
	}
	switch kind {
	case '[':
		return skipCSI(rs, i)
	case ']', 'P', 'X', '^', '_':
		return skipString(rs, i)
	}
	if kind >= 0x20 && kind <= 0x2f {
		return skipWhile(rs, i, 0x20, 0x2f) + 1 // nF: intermediates, then a final
	}
	return i // ESC and one character (ESC c, ESC 7, …)
}

// skipCSI: parameters 0x30–0x3f and intermediates 0x20–0x2f, then a final
// byte (anything else ends a malformed sequence too).
func skipCSI(rs []rune, i int) int {
	return skipWhile(rs, i, 0x20, 0x3f) + 1
}

// skipString: OSC, DCS, SOS, PM and APC run to BEL, ST (ESC \) or C1 ST.
func skipString(rs []rune, i int) int {
	for i++; i < len(rs); i++ {
		if rs[i] == 0x07 || rs[i] == 0x9c {
			return i
		}
		if rs[i] == 0x1b && i+1 < len(rs) && rs[i+1] == '\\' {
			return i + 1
		}
	}
	return len(rs) - 1
}

// skipWhile returns the index of the last rune after rs[i] within
// [lo, hi], or i when there is none.
func skipWhile(rs []rune, i int, lo, hi rune) int {
	for i+1 < len(rs) && rs[i+1] >= lo && rs[i+1] <= hi {
		i++
	}
	return i
}

// truncate returns s if it has at most limit bytes; otherwise its longest
// prefix that ends on a UTF-8 boundary and leaves room for "…", then "…".
func truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}
