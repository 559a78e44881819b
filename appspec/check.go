package appspec

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
)

// MaxText bounds free text that ends up in files and messages on the
// host: an HTTP check's body, Consul tags.
const MaxText = 4096

// HTTPURL is the rule for the URL an HTTP check GETs: http or https, with
// a host. PortPlaceholder may stand for the port, or appear in the path
// or query, but not in the host.
func HTTPURL(s string) error {
	u, err := url.Parse(WithPort(s, 1))
	if err != nil {
		return fmt.Errorf("must be a URL: %w", unwrapURLError(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("must be an http:// or https:// URL, got %q", s)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("must name a host, got %q", s)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || Port(n) != nil {
			return fmt.Errorf("port must be between 1 and %d, got %q", MaxPort, s)
		}
	}
	// Parsed a second time with another stand-in, a host that changes is
	// one that holds the placeholder.
	if v, err := url.Parse(WithPort(s, 2)); err != nil || v.Hostname() != u.Hostname() {
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

// HTTPStatus is the rule for the status an HTTP check wants.
func HTTPStatus(s int) error {
	if s < 100 || s > 599 {
		return fmt.Errorf("must be an HTTP status between 100 and 599, got %d", s)
	}
	return nil
}

// Text is the rule for free text: at most MaxText bytes, no NUL.
func Text(s string) error {
	if len(s) > MaxText {
		return fmt.Errorf("must be at most %d characters", MaxText)
	}
	if strings.ContainsRune(s, 0) {
		return errors.New("must not contain NUL")
	}
	return nil
}

// Argv is the rule for a command check's argv, which is exec'd without a
// shell: at least the program.
func Argv(argv []string) error {
	if len(argv) == 0 {
		return errors.New("must list the program and its arguments")
	}
	for i, a := range argv {
		if err := Arg(i, a); err != nil {
			return fmt.Errorf("argv[%d] %w", i, err)
		}
	}
	return nil
}

// Arg is the rule for argv[i]: the program (i == 0) must be an absolute,
// clean path, since $PATH on the host is not ours to trust, and no
// argument may hold NUL, which exec cannot pass.
func Arg(i int, s string) error {
	if strings.ContainsRune(s, 0) {
		return errors.New("must not contain NUL")
	}
	if i == 0 && (!path.IsAbs(s) || path.Clean(s) != s) {
		return fmt.Errorf("must be an absolute, clean path to the program (no shell is used), got %q", s)
	}
	return nil
}

// Check is one health check; exactly one field is set. A new kind is a
// field here, its type, its rules in validate and, if it can hold
// PortPlaceholder, its case in usesPort and forPort.
type Check struct {
	HTTP    *HTTPCheck    `json:"http,omitempty"`
	TCP     *TCPCheck     `json:"tcp,omitempty"`
	Command *CommandCheck `json:"command,omitempty"`
	Systemd *SystemdCheck `json:"systemd,omitempty"`
}

// HTTPCheck passes when GET URL answers Status (200 when 0) and, if Body
// is set, the first 64 KiB of the body contain it. URL may contain
// PortPlaceholder, replaced by the instance's port.
type HTTPCheck struct {
	URL     string   `json:"url"`
	Status  int      `json:"status,omitempty"`
	Body    string   `json:"body,omitempty"`
	Timeout Duration `json:"timeout,omitempty"` // 0: the spec's Interval
}

// TCPCheck passes when Address accepts a connection. Address may contain
// PortPlaceholder, replaced by the instance's port.
type TCPCheck struct {
	Address string   `json:"address"`
	Timeout Duration `json:"timeout,omitempty"`
}

// CommandCheck passes when Argv exits 0. It is executed directly, never
// through a shell, so Argv[0] is an absolute path.
type CommandCheck struct {
	Argv    []string `json:"argv"`
	Timeout Duration `json:"timeout,omitempty"`
}

// SystemdCheck passes when Unit's ActiveState is State ("active" when empty).
type SystemdCheck struct {
	Unit  string `json:"unit"`
	State string `json:"state,omitempty"`
}

// Validate requires exactly one kind of check, well formed.
func (c Check) Validate() error {
	n := 0
	var err error
	if c.HTTP != nil {
		n++
		err = c.HTTP.validate()
	}
	if c.TCP != nil {
		n++
		err = c.TCP.validate()
	}
	if c.Command != nil {
		n++
		err = c.Command.validate()
	}
	if c.Systemd != nil {
		n++
		err = c.Systemd.validate()
	}
	if n != 1 {
		return errors.New("want exactly one of http, tcp, command, systemd")
	}
	return err
}

func (c *HTTPCheck) validate() error {
	if err := named("http url", c.URL, HTTPURL(c.URL)); err != nil {
		return err
	}
	if c.Status != 0 { // 0: 200
		if err := HTTPStatus(c.Status); err != nil {
			return fmt.Errorf("http status: %w", err)
		}
	}
	if c.Timeout < 0 {
		return errors.New("http timeout must be >= 0")
	}
	if err := Text(c.Body); err != nil {
		return fmt.Errorf("http body: %w", err)
	}
	return nil
}

func (c *TCPCheck) validate() error {
	if err := named("tcp address", c.Address, CheckAddress(c.Address)); err != nil {
		return err
	}
	if c.Timeout < 0 {
		return errors.New("tcp timeout must be >= 0")
	}
	return nil
}

func (c *CommandCheck) validate() error {
	if err := Argv(c.Argv); err != nil {
		return fmt.Errorf("command: %w", err)
	}
	if c.Timeout < 0 {
		return errors.New("command timeout must be >= 0")
	}
	return nil
}

func (c *SystemdCheck) validate() error {
	if err := named("unit", c.Unit, Unit(c.Unit)); err != nil {
		return err
	}
	if c.State == "" { // "": active
		return nil
	}
	return named("systemd state", c.State, UnitState(c.State))
}

// usesPort reports whether c needs the instance's port.
func (c Check) usesPort() bool {
	return c.HTTP != nil && UsesPort(c.HTTP.URL) || c.TCP != nil && UsesPort(c.TCP.Address)
}

// forPort returns c with PortPlaceholder replaced by port in its URL or
// address. Only those are templated: argv is passed as written. The
// result shares nothing with c.
func (c Check) forPort(port int) Check {
	if c.HTTP != nil {
		h := *c.HTTP
		h.URL = WithPort(h.URL, port)
		c.HTTP = &h
	}
	if c.TCP != nil {
		t := *c.TCP
		t.Address = WithPort(t.Address, port)
		c.TCP = &t
	}
	if c.Command != nil {
		cmd := *c.Command
		cmd.Argv = slices.Clone(cmd.Argv)
		c.Command = &cmd
	}
	if c.Systemd != nil {
		s := *c.Systemd
		c.Systemd = &s
	}
	return c
}
