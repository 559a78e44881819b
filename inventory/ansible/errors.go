package ansible

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem in an inventory file. Line and Column are 1-based;
// 0 means unknown (INI errors carry no column).
type Error struct {
	File   string
	Line   int
	Column int
	Msg    string
}

// Error renders "hosts.ini:12: msg" or "hosts.yml:4:7: msg", the form
// editors jump to.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one file, in file order.
type Errors []*Error

// Error prints one problem per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes each *Error to errors.As and errors.Is.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// pos is where something was written: a line, and a column in YAML.
type pos struct{ line, col int }

// errs collects the problems of one file.
type errs struct {
	file string
	list Errors
	seen map[string]bool // a problem found once per host is reported once
}

func (e *errs) add(p pos, format string, args ...any) {
	err := &Error{File: e.file, Line: p.line, Column: p.col, Msg: fmt.Sprintf(format, args...)}
	key := err.Error()
	if e.seen[key] {
		return
	}
	if e.seen == nil {
		e.seen = map[string]bool{}
	}
	e.seen[key] = true
	e.list = append(e.list, err)
}

// sorted returns the problems in file order, or nil when there are none.
func (e *errs) sorted() error {
	if len(e.list) == 0 {
		return nil
	}
	slices.SortStableFunc(e.list, func(x, y *Error) int {
		return cmp.Or(cmp.Compare(x.Line, y.Line), cmp.Compare(x.Column, y.Column))
	})
	return e.list
}
