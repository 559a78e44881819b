package changelog

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "fix the retry storm", "fix the retry storm"},
		{"unicode", "café ☕ 日本", "café ☕ 日本"},
		{"SGR", "\x1b[1;31mred\x1b[0m", "red"},
		{"clear screen", "a\x1b[2Jb\x1b[Hc", "abc"},
		{"OSC 8 hyperlink, BEL", "\x1b]8;;http://evil\x07link\x1b]8;;\x07", "link"},
		{"OSC title, ST", "\x1b]0;owned\x1b\\title", "title"},
		{"DCS", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"two-character escape", "a\x1bcb\x1b7c", "abc"},
		{"charset (nF)", "a\x1b(Bb", "ab"},
		{"C1 CSI", "a\u009b31mb", "ab"},
		{"C1 OSC", "a\u009d0;t\u009cb", "ab"},
		{"unterminated CSI", "a\x1b[31", "a"},
		{"unterminated OSC", "a\x1b]0;title", "a"},
		{"trailing ESC", "a\x1b", "a"},
		{"whitespace", "a\tb\nc\rd", "a b c d"},
		{"other controls", "a\x00b\x07c\x08d\x7fe\u0085f", "abcdef"},
		{"bidi", "abc\u202etxt.exe\u2066x\u2069", "abctxt.exex"},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb"},
	}
	for _, c := range cases {
		if got := clean(c.in, 256); got != c.want {
			t.Errorf("%s: clean(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestClean_Truncates(t *testing.T) {
	for _, in := range []string{strings.Repeat("a", 300), strings.Repeat("é", 200), strings.Repeat("🚀", 100)} {
		got := clean(in, MaxSubject)
		if len(got) > MaxSubject || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") ||
			!strings.HasPrefix(in, strings.TrimSuffix(got, "…")) {
			t.Errorf("clean(%d bytes) = %d bytes %q", len(in), len(got), got)
		}
	}
	if got := clean("short", MaxSubject); got != "short" {
		t.Errorf("clean(short) = %q", got)
	}
}
