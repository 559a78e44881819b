package provenance

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxText is the most bytes Read keeps of any one string from a binary's
// build info (Consul's limit for a meta value).
const MaxText = MaxMetaValue

// maxLine bounds String.
const maxLine = 4 * MaxText

// ellipsis marks a truncated text.
const ellipsis = "…"

// clean makes s safe for a terminal, a JSON document and a Consul meta
// value: invalid UTF-8 becomes U+FFFD, control characters (C0, DEL, C1:
// newlines, tabs and ESC among them) become a space, bidirectional
// formatting characters are dropped (they reorder what a terminal shows),
// and the result is cut to at most limit bytes by truncate.
func clean(s string, limit int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' '
		case unicode.Is(unicode.Bidi_Control, r):
			return -1
		}
		return r
	}, s)
	return truncate(s, limit)
}

// truncate returns s if it has at most limit bytes; otherwise its longest
// prefix that ends on a UTF-8 boundary and leaves room for "…" (3 bytes),
// followed by "…". The result is at most limit bytes (limit >= 3), and valid
// UTF-8 when s is.
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
