package agent

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Validate checks everything hello receives before any of it is used.
func (s AppSpec) Validate() error {
	if err := validateName("name", s.Name); err != nil {
		return err
	}
	if err := validateRoot(s.Root); err != nil {
		return err
	}
	if err := validateName("binary", s.Binary); err != nil {
		return err
	}
	if s.Binary == releaseFile {
		return fmt.Errorf("binary must not be named %s", releaseFile)
	}
	for _, u := range s.Units {
		if err := ValidateUnitName(u); err != nil {
			return err
		}
	}
	if s.Keep < 1 {
		return fmt.Errorf("keep %d: must be >= 1", s.Keep)
	}
	if err := s.Health.Validate(); err != nil {
		return fmt.Errorf("health: %w", err)
	}
	return s.validateInstances()
}

// Validate checks the gate's timing and every check. A spec without checks
// is valid here (an app may never be gated); the health op refuses it.
func (h HealthSpec) Validate() error {
	if h.Interval <= 0 || h.Deadline <= 0 || h.MinHealthyTime < 0 {
		return fmt.Errorf("interval and deadline must be > 0, min_healthy_time >= 0")
	}
	if h.MinHealthyTime > h.Deadline {
		return fmt.Errorf("min_healthy_time %s exceeds deadline %s: the gate could never pass",
			h.MinHealthyTime, h.Deadline)
	}
	for i, c := range h.Checks {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("check %d: %w", i, err)
		}
	}
	return nil
}

// Validate requires exactly one kind of check, well formed.
func (c CheckSpec) Validate() error {
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
	u, err := url.Parse(withPort(c.URL, 1)) // any port: the placeholder must leave a valid URL
	if err != nil {
		return fmt.Errorf("http url: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("http url %q: want http(s)://host/...", c.URL)
	}
	if c.Status != 0 && (c.Status < 100 || c.Status > 599) {
		return fmt.Errorf("http status %d: not an HTTP status", c.Status)
	}
	if c.Timeout < 0 {
		return errors.New("http timeout must be >= 0")
	}
	return validateFreeText("http body", c.Body)
}

func (c *TCPCheck) validate() error {
	if err := validateHostPort("tcp address", c.Address); err != nil {
		return err
	}
	if c.Timeout < 0 {
		return errors.New("tcp timeout must be >= 0")
	}
	return nil
}

func (c *CommandCheck) validate() error {
	if len(c.Argv) == 0 || c.Argv[0] == "" {
		return errors.New("command argv is empty")
	}
	for _, a := range c.Argv {
		if strings.IndexByte(a, 0) >= 0 {
			return errors.New("command argv contains NUL")
		}
	}
	if c.Timeout < 0 {
		return errors.New("command timeout must be >= 0")
	}
	return nil
}

func (c *SystemdCheck) validate() error {
	if err := ValidateUnitName(c.Unit); err != nil {
		return err
	}
	switch c.State {
	case "", "active", "reloading", "inactive", "failed", "activating",
		"deactivating", "maintenance", "refreshing":
		return nil
	}
	return fmt.Errorf("systemd state %q: not an ActiveState", c.State)
}

// Validate bounds the free-text fields that end up in the lock file and
// the journal.
func (h Holder) Validate() error {
	if h.PID < 0 {
		return fmt.Errorf("controller pid %d: must be >= 0", h.PID)
	}
	for _, f := range []struct{ what, s string }{
		{"controller user", h.User}, {"controller machine", h.Machine},
		{"controller command", h.Command}, {"rollout id", h.RolloutID},
	} {
		if err := validateFreeText(f.what, f.s); err != nil {
			return err
		}
	}
	return nil
}
