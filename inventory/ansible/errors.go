package ansible

import (
	"fmt"

	"github.com/fleetdeploy/fleet/inventory"
)

// pos is where something was written: a line, and a column in YAML.
type pos struct{ line, col int }

// errs collects the problems of one file as inventory.FieldErrors, which
// render "hosts.ini:12: msg" or "hosts.yml:4:7: msg", the form editors
// jump to (INI errors carry no column).
type errs struct {
	file string
	list inventory.Errors
	seen map[string]bool // a problem found once per host is reported once
}

func (e *errs) add(p pos, format string, args ...any) {
	err := &inventory.FieldError{File: e.file, Line: p.line, Column: p.col, Msg: fmt.Sprintf(format, args...)}
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
	e.list.SortByPosition()
	return e.list
}
