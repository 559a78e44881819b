package ansible

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fleetdeploy/fleet/inventory"
)

// Why a selected host is refused; test a HostError with errors.Is.
var (
	ErrNotSSH   = errors.New("connection is not ssh")
	ErrTemplate = errors.New("template not evaluated")
	ErrVault    = errors.New("vault value not decrypted")
)

// problem is a setting that refuses a host if it is selected, kept on
// the host until then: an unselected host's template or local
// connection is no reason to refuse a run.
type problem struct {
	kind  error
	field string // the variable, such as ansible_host
	at    pos    // where the value is set, not where the host is
	msg   string
}

// HostError is one problem that refuses the selected hosts it names,
// reported once where the value is set however many hosts share it.
// It unwraps to its *inventory.FieldError and to its kind (ErrNotSSH,
// ErrTemplate or ErrVault).
type HostError struct {
	*inventory.FieldError
	Kind  error
	Hosts []string // the selected hosts it refuses, in inventory order
}

// Unwrap exposes the position and the kind to errors.As and errors.Is.
func (e *HostError) Unwrap() []error { return []error{e.FieldError, e.Kind} }

// HostErrors are the problems of a selection, in file order.
type HostErrors []*HostError

// Error prints one problem per line.
func (es HostErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes each *HostError.
func (es HostErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// hostErrors gathers the problems of the selected hosts, one HostError per setting
// and place. nil when there are none.
func (inv *Inventory) hostErrors(hosts []Host) error {
	type key struct {
		field string
		at    pos
		msg   string
	}
	byKey := map[key]*HostError{}
	var out HostErrors
	for _, h := range hosts {
		for _, p := range inv.details[h.Name].problems {
			k := key{p.field, p.at, p.msg}
			e := byKey[k]
			if e == nil {
				e = &HostError{Kind: p.kind, FieldError: &inventory.FieldError{File: inv.File, Line: p.at.line, Column: p.at.col, Field: p.field, Msg: p.msg}}
				byKey[k] = e
				out = append(out, e)
			}
			e.Hosts = append(e.Hosts, h.Name)
		}
	}
	if len(out) == 0 {
		return nil
	}
	for _, e := range out {
		e.FieldError.Host, e.FieldError.Msg = namedHosts(e.Hosts, e.FieldError.Msg)
	}
	slices.SortStableFunc(out, func(x, y *HostError) int {
		return cmpPos(pos{x.Line, x.Column}, pos{y.Line, y.Column})
	})
	return out
}

// namedHosts puts the hosts a problem refuses into its error: one host
// in the FieldError's Host, several at the end of the message.
func namedHosts(hosts []string, msg string) (string, string) {
	if len(hosts) == 1 {
		return hosts[0], msg
	}
	const shown = 3
	list := strings.Join(hosts[:min(len(hosts), shown)], ", ")
	if len(hosts) > shown {
		list += fmt.Sprintf(" and %d more", len(hosts)-shown)
	}
	return "", fmt.Sprintf("%s (hosts %s)", msg, list)
}

func cmpPos(x, y pos) int {
	if x.line != y.line {
		return x.line - y.line
	}
	return x.col - y.col
}

// fieldErrors turns a selection's problems into inventory.Errors, the
// form Parse has always returned.
func fieldErrors(err error) error {
	var hes HostErrors
	if !errors.As(err, &hes) {
		return err
	}
	out := make(inventory.Errors, len(hes))
	for i, e := range hes {
		out[i] = e.FieldError
	}
	return out
}
