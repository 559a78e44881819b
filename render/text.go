package render

import "strings"

// orNone is a version, or "(none)" for a host that had none.
func orNone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}

// firstLine is s up to its first newline: a table cell or a kept line
// holds one line (the whole error goes to stderr and the reports).
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
