package agent

import (
	"errors"
	"fmt"

	"github.com/fleetdeploy/fleet/appspec"
)

// Validate checks everything hello receives before any of it is used,
// with package appspec's rules: the inventory applied the same ones when
// it was loaded.
func (s AppSpec) Validate() error {
	if err := named("name", s.Name, appspec.Name(s.Name)); err != nil {
		return err
	}
	if err := named("root", s.Root, appspec.Root(s.Root)); err != nil {
		return err
	}
	if err := named("binary", s.Binary, appspec.Binary(s.Binary)); err != nil {
		return err
	}
	for _, u := range s.Units {
		if err := ValidateUnitName(u); err != nil {
			return err
		}
	}
	if err := appspec.Keep(s.Keep); err != nil {
		return fmt.Errorf("keep: %w", err)
	}
	if err := s.Health.Validate(); err != nil {
		return fmt.Errorf("health: %w", err)
	}
	return s.validateInstances()
}

// Gate says why the health op cannot judge a release with this spec: no
// check, and no Consul gate with a check of its own (appspec.Gate). hello
// accepts such a spec, for the ops that need no gate; the inventory
// refuses it when it is loaded.
func (s AppSpec) Gate() error {
	consulGate, consulChecks := false, 0
	if s.Consul != nil {
		consulGate, consulChecks = s.Consul.Gate, len(s.Consul.Checks)
	}
	return appspec.Gate(len(s.Health.Checks), consulGate, consulChecks)
}

// Validate checks the gate's timing and every check. A spec without checks
// is valid here; the health op refuses it (AppSpec.Gate).
func (h HealthSpec) Validate() error {
	if err := appspec.Positive(h.Interval.Std()); err != nil {
		return fmt.Errorf("interval: %w", err)
	}
	if err := appspec.Positive(h.Deadline.Std()); err != nil {
		return fmt.Errorf("deadline: %w", err)
	}
	if err := appspec.MinHealthyTime(h.MinHealthyTime.Std(), h.Deadline.Std()); err != nil {
		return fmt.Errorf("min_healthy_time: %w", err)
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
	if err := named("http url", c.URL, appspec.HTTPURL(c.URL)); err != nil {
		return err
	}
	if c.Status != 0 { // 0: 200
		if err := appspec.HTTPStatus(c.Status); err != nil {
			return fmt.Errorf("http status: %w", err)
		}
	}
	if c.Timeout < 0 {
		return errors.New("http timeout must be >= 0")
	}
	return validateFreeText("http body", c.Body)
}

func (c *TCPCheck) validate() error {
	if err := named("tcp address", c.Address, appspec.CheckAddress(c.Address)); err != nil {
		return err
	}
	if c.Timeout < 0 {
		return errors.New("tcp timeout must be >= 0")
	}
	return nil
}

func (c *CommandCheck) validate() error {
	if err := appspec.Argv(c.Argv); err != nil {
		return fmt.Errorf("command: %w", err)
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
	if c.State == "" { // "": active
		return nil
	}
	return named("systemd state", c.State, appspec.UnitState(c.State))
}

// Validate bounds the free-text fields that end up in the lock file and
// the journal.
func (h Holder) Validate() error {
	if h.PID < 0 {
		return fmt.Errorf("controller pid %d: must be >= 0", h.PID)
	}
	for _, f := range []struct{ what, s string }{
		{"controller user", h.User}, {"controller machine", h.Machine},
		{"controller command", h.Command}, {"rollout id", h.RolloutID}, {"change note", h.ChangeNote},
	} {
		if err := validateFreeText(f.what, f.s); err != nil {
			return err
		}
	}
	return nil
}
