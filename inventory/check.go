package inventory

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Check is one health check. Exactly one field is set.
type Check struct {
	HTTP    *HTTPCheck
	TCP     *TCPCheck
	Command *CommandCheck
	Systemd *SystemdCheck
}

// HTTPCheck passes when GET URL answers Status and, if Body is set, the
// response body contains Body.
type HTTPCheck struct {
	URL     string // http or https; may hold PortPlaceholder
	Status  int    // default 200
	Body    string
	Timeout time.Duration // default 2s
}

// TCPCheck passes when a TCP connection to Address opens.
type TCPCheck struct {
	Address string        // host:port; the port may be PortPlaceholder
	Timeout time.Duration // default 2s
}

// CommandCheck passes when Argv exits 0. It is exec'd directly, never
// through a shell, so Argv[0] is an absolute path.
type CommandCheck struct {
	Argv    []string
	Timeout time.Duration // default 5s
}

// SystemdCheck passes when Unit's ActiveState is State.
type SystemdCheck struct {
	Unit  string
	State string // default "active"
}

const (
	defaultHTTPStatus     = 200
	defaultHTTPTimeout    = 2 * time.Second
	defaultTCPTimeout     = 2 * time.Second
	defaultCommandTimeout = 5 * time.Second
	defaultUnitState      = "active"
)

// checkKinds is the order kinds are tried and listed in messages.
var checkKinds = []string{"http", "tcp", "command", "systemd"}

// unitStates are systemd's ActiveState values.
var unitStates = []string{"active", "reloading", "inactive", "failed", "activating",
	"deactivating", "maintenance", "refreshing"}

func (d *decoder) check(n *yaml.Node, a at) (Check, bool) {
	f := d.fields(n, a, checkKinds...)
	var kinds []string
	for _, k := range checkKinds {
		if _, ok := f[k]; ok {
			kinds = append(kinds, k)
		}
	}
	switch len(kinds) {
	case 0:
		d.errorf(deref(n), a, "must set exactly one of %s", strings.Join(checkKinds, ", "))
		return Check{}, false
	case 1:
	default:
		d.errorf(deref(n), a, "sets %s; a check has exactly one kind", strings.Join(kinds, " and "))
	}
	before := len(d.errs)
	// Decode every kind present, even when there are two, so the problems
	// inside each are reported in the same pass.
	var c Check
	if v, ok := f["http"]; ok {
		c.HTTP = d.httpCheck(v, a.key("http"))
	}
	if v, ok := f["tcp"]; ok {
		c.TCP = d.tcpCheck(v, a.key("tcp"))
	}
	if v, ok := f["command"]; ok {
		c.Command = d.commandCheck(v, a.key("command"))
	}
	if v, ok := f["systemd"]; ok {
		c.Systemd = d.systemdCheck(v, a.key("systemd"))
	}
	return c, len(kinds) == 1 && len(d.errs) == before
}

func (d *decoder) httpCheck(n *yaml.Node, a at) *HTTPCheck {
	f := d.fields(n, a, "url", "status", "body", "timeout")
	c := &HTTPCheck{Status: defaultHTTPStatus, Timeout: defaultHTTPTimeout}
	setIf(&c.URL, optional(d, f, "url", a, d.str, validHTTPURL))
	if _, ok := f["url"]; !ok {
		d.errorf(deref(n), a.key("url"), "is required")
	}
	d.portUsed(f["url"], a.key("url"), c.URL)
	setIf(&c.Status, optional(d, f, "status", a, d.integer, validStatus))
	setIf(&c.Body, optional(d, f, "body", a, d.str, nil))
	setIf(&c.Timeout, optional(d, f, "timeout", a, d.duration, positive))
	return c
}

func (d *decoder) tcpCheck(n *yaml.Node, a at) *TCPCheck {
	f := d.fields(n, a, "address", "timeout")
	c := &TCPCheck{Timeout: defaultTCPTimeout}
	setIf(&c.Address, optional(d, f, "address", a, d.str, validCheckAddress))
	if _, ok := f["address"]; !ok {
		d.errorf(deref(n), a.key("address"), "is required")
	}
	d.portUsed(f["address"], a.key("address"), c.Address)
	setIf(&c.Timeout, optional(d, f, "timeout", a, d.duration, positive))
	return c
}

func (d *decoder) commandCheck(n *yaml.Node, a at) *CommandCheck {
	f := d.fields(n, a, "argv", "timeout")
	c := &CommandCheck{Timeout: defaultCommandTimeout}
	argvAt := a.key("argv")
	items := d.seq(f["argv"], argvAt)
	if len(items) == 0 {
		d.errorf(orAt(f["argv"], deref(n)), argvAt, "must list the program and its arguments")
	}
	for i, item := range items {
		arg, ok := d.str(item, argvAt.index(i))
		if !ok {
			continue
		}
		if err := validArg(i, arg); err != nil {
			d.invalid(deref(item), argvAt.index(i), err)
		}
		c.Argv = append(c.Argv, arg)
	}
	setIf(&c.Timeout, optional(d, f, "timeout", a, d.duration, positive))
	return c
}

func (d *decoder) systemdCheck(n *yaml.Node, a at) *SystemdCheck {
	f := d.fields(n, a, "unit", "state")
	c := &SystemdCheck{State: defaultUnitState}
	setIf(&c.Unit, optional(d, f, "unit", a, d.str, validUnit))
	if _, ok := f["unit"]; !ok {
		d.errorf(deref(n), a.key("unit"), "is required")
	}
	setIf(&c.State, optional(d, f, "state", a, d.str, validUnitState))
	return c
}

// validHTTPURL accepts an http or https URL. PortPlaceholder may stand
// for the port, or appear in the path or query, but not in the host.
func validHTTPURL(s string) error {
	u, err := url.Parse(strings.ReplaceAll(s, PortPlaceholder, "1"))
	if err != nil {
		return fmt.Errorf("must be a URL: %w", unwrapURLError(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("must be an http:// or https:// URL, got %q", s)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("must name a host, got %q", s)
	}
	// Parsed a second time with another stand-in, a host that changes is
	// one that holds the placeholder.
	if v, err := url.Parse(strings.ReplaceAll(s, PortPlaceholder, "2")); err != nil || v.Hostname() != u.Hostname() {
		return fmt.Errorf("may use %s for the port, not in the host, got %q", PortPlaceholder, s)
	}
	return nil
}

// unwrapURLError drops *url.Error's "parse <url>: " prefix, which would
// show the URL with the placeholder's stand-in.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func validStatus(s int) error {
	if s < 100 || s > 599 {
		return fmt.Errorf("must be an HTTP status between 100 and 599, got %d", s)
	}
	return nil
}

// validArg: argv goes to exec without a shell, so the program must be an
// absolute path ($PATH on the host is not ours to trust) and no argument
// may hold NUL, which exec cannot pass.
func validArg(i int, s string) error {
	if strings.ContainsRune(s, 0) {
		return errors.New("must not contain NUL")
	}
	if i == 0 && (!path.IsAbs(s) || path.Clean(s) != s) {
		return fmt.Errorf("must be an absolute, clean path to the program (no shell is used), got %q", s)
	}
	return nil
}

func validUnitState(s string) error {
	if !slices.Contains(unitStates, s) {
		return fmt.Errorf("must be one of %s, got %q", strings.Join(unitStates, ", "), s)
	}
	return nil
}
