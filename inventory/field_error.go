package inventory

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// FieldError is one problem in an inventory file. Line and Column are
// 1-based; 0 means the YAML parser gave no such position.
type FieldError struct {
	File   string
	Line   int
	Column int
	Host   string // the host the field belongs to, if any
	Field  string // path such as groups[0].hosts[1].address
	Msg    string
}

// Error renders the compiler-style form editors can jump to:
// "fleet.yaml:14:9: groups[0].hosts[1].address (host web2): must not contain '/'".
func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		if e.Host != "" {
			fmt.Fprintf(&b, " (host %s)", e.Host)
		}
		b.WriteString(": ")
	} else if e.Host != "" {
		fmt.Fprintf(&b, "host %s: ", e.Host)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one file, in file order.
type Errors []*FieldError

// Error prints one problem per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes each *FieldError to errors.As and errors.Is.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// SortByPosition puts es in file order, by line and then column, keeping
// the order of problems at one position (those without a line come
// first). Checks that run after a walk, such as duplicate names, would
// otherwise report last what is written first.
func (es Errors) SortByPosition() {
	slices.SortStableFunc(es, func(x, y *FieldError) int {
		return cmp.Or(cmp.Compare(x.Line, y.Line), cmp.Compare(x.Column, y.Column))
	})
}
