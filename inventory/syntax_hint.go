package inventory

import (
	"regexp"
	"strings"
)

// foldedValue matches a mapping value that starts with '>' and more on
// the same line: "condition: >= 0.99", which YAML reads as the start of
// a folded block and refuses.
var foldedValue = regexp.MustCompile(`:\s+>=?\s*[^\s|>+-]`)

// foldedHint explains that syntax error when line (1-based) of data
// holds such a value: conditions start with > often enough to say so.
func foldedHint(data []byte, line int) string {
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) || !foldedValue.MatchString(lines[line-1]) {
		return ""
	}
	return `; a value that starts with > must be quoted, as in condition: ">= 0.99"`
}
