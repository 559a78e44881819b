package transport

import "strings"

// Quote returns s as one POSIX sh word. Words made only of characters the
// shell never treats specially are returned as they are, which keeps the
// commands in logs and golden tests readable. Anything else is wrapped in
// single quotes, inside which sh interprets nothing; a single quote inside
// is written as close quote, backslash-escaped quote, reopen:
//
//	it's  ->  'it'\''s'
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	if strings.IndexFunc(s, unsafeShellRune) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// unsafeShellRune reports whether r may need quoting. The safe set is
// Python's shlex.quote one: letters, digits and @%+=:,./-_ .
func unsafeShellRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	case strings.ContainsRune("@%+=:,./-_", r):
		return false
	}
	return true
}
