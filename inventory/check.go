package inventory

import (
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
	"go.yaml.in/yaml/v3"
)

// The defaults of a check's optional fields.
const (
	defaultHTTPStatus     = 200
	defaultHTTPTimeout    = 2 * time.Second
	defaultTCPTimeout     = 2 * time.Second
	defaultCommandTimeout = 5 * time.Second
	defaultUnitState      = "active"
)

// checkKinds is the order kinds are tried and listed in messages.
var checkKinds = []string{"http", "tcp", "command", "systemd"}

func (d *decoder) check(n *yaml.Node, a at) (appspec.Check, bool) {
	f := d.fields(n, a, checkKinds...)
	var kinds []string
	for _, k := range checkKinds {
		if _, ok := f[k]; ok {
			kinds = append(kinds, k)
		}
	}
	switch len(kinds) {
	case 0:
		d.errorf(Deref(n), a, "must set exactly one of %s", strings.Join(checkKinds, ", "))
		return appspec.Check{}, false
	case 1:
	default:
		d.errorf(Deref(n), a, "sets %s; a check has exactly one kind", strings.Join(kinds, " and "))
	}
	before := len(d.errs)
	// Decode every kind present, even when there are two, so the problems
	// inside each are reported in the same pass.
	var c appspec.Check
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

func (d *decoder) httpCheck(n *yaml.Node, a at) *appspec.HTTPCheck {
	f := d.fields(n, a, "url", "status", "body", "timeout")
	c := &appspec.HTTPCheck{Status: defaultHTTPStatus, Timeout: appspec.Duration(defaultHTTPTimeout)}
	setIf(&c.URL, optional(d, f, "url", a, d.str, appspec.HTTPURL))
	if _, ok := f["url"]; !ok {
		d.errorf(Deref(n), a.key("url"), "is required")
	}
	d.portUsed(f["url"], a.key("url"), c.URL)
	setIf(&c.Status, optional(d, f, "status", a, d.integer, appspec.HTTPStatus))
	setIf(&c.Body, optional(d, f, "body", a, d.str, appspec.Text))
	setDurationIf(&c.Timeout, optional(d, f, "timeout", a, d.duration, appspec.Positive))
	return c
}

func (d *decoder) tcpCheck(n *yaml.Node, a at) *appspec.TCPCheck {
	f := d.fields(n, a, "address", "timeout")
	c := &appspec.TCPCheck{Timeout: appspec.Duration(defaultTCPTimeout)}
	setIf(&c.Address, optional(d, f, "address", a, d.str, appspec.CheckAddress))
	if _, ok := f["address"]; !ok {
		d.errorf(Deref(n), a.key("address"), "is required")
	}
	d.portUsed(f["address"], a.key("address"), c.Address)
	setDurationIf(&c.Timeout, optional(d, f, "timeout", a, d.duration, appspec.Positive))
	return c
}

func (d *decoder) commandCheck(n *yaml.Node, a at) *appspec.CommandCheck {
	f := d.fields(n, a, "argv", "timeout")
	c := &appspec.CommandCheck{Timeout: appspec.Duration(defaultCommandTimeout)}
	argvAt := a.key("argv")
	items := d.seq(f["argv"], argvAt)
	if len(items) == 0 {
		d.invalid(orAt(f["argv"], Deref(n)), argvAt, appspec.Argv(nil))
	}
	for i, item := range items {
		arg, ok := d.str(item, argvAt.index(i))
		if !ok {
			continue
		}
		if err := appspec.Arg(i, arg); err != nil {
			d.invalid(Deref(item), argvAt.index(i), err)
		}
		c.Argv = append(c.Argv, arg)
	}
	setDurationIf(&c.Timeout, optional(d, f, "timeout", a, d.duration, appspec.Positive))
	return c
}

func (d *decoder) systemdCheck(n *yaml.Node, a at) *appspec.SystemdCheck {
	f := d.fields(n, a, "unit", "state")
	c := &appspec.SystemdCheck{State: defaultUnitState}
	setIf(&c.Unit, optional(d, f, "unit", a, d.str, appspec.Unit))
	if _, ok := f["unit"]; !ok {
		d.errorf(Deref(n), a.key("unit"), "is required")
	}
	setIf(&c.State, optional(d, f, "state", a, d.str, appspec.UnitState))
	return c
}
