package agent

import (
	"errors"
	"fmt"

	"github.com/fleetdeploy/fleet/appspec"
)

// The service meta keys fleet sets itself.
const (
	metaVersion = appspec.MetaVersion
	metaSHA256  = appspec.MetaSHA256
	metaRollout = appspec.MetaRollout
)

// validateInstances checks what the instances are made of: Consul,
// slots, and that every instance has a port if a check needs one.
func (s AppSpec) validateInstances() error {
	if s.Consul != nil {
		if err := s.Consul.validate(s.Health); err != nil {
			return fmt.Errorf("consul: %w", err)
		}
	}
	if s.Slots != nil {
		if err := s.Slots.validate(); err != nil {
			return fmt.Errorf("slots: %w", err)
		}
	}
	if s.usesPort() && s.Slots == nil && (s.Consul == nil || s.Consul.Port == 0) {
		return fmt.Errorf("a check uses %s but the instance has no port: set consul.port or slots", appspec.PortPlaceholder)
	}
	return nil
}

func (c ConsulSpec) validate(h HealthSpec) error {
	if c.Service != "" { // "": the app name
		if err := named("service", c.Service, appspec.ServiceName(c.Service)); err != nil {
			return err
		}
	}
	if c.Address != "" { // "": DefaultConsulAddress
		if err := named("address", c.Address, appspec.ConsulAddress(c.Address)); err != nil {
			return err
		}
	}
	if err := c.validateToken(); err != nil {
		return err
	}
	if c.Port != 0 { // 0: none, the host has slots
		if err := appspec.Port(c.Port); err != nil {
			return fmt.Errorf("port: %w", err)
		}
	}
	if err := validateTags(c.Tags); err != nil {
		return err
	}
	if err := validateMeta(c.Meta); err != nil {
		return err
	}
	if c.Drain < 0 {
		return errors.New("drain must be >= 0")
	}
	if err := appspec.DeregisterAfter(c.DeregisterCriticalAfter.Std(), h.Deadline.Std()); err != nil {
		return fmt.Errorf("deregister_critical_after: %w", err)
	}
	for i, ck := range c.Checks {
		if err := ck.validate(); err != nil {
			return fmt.Errorf("check %d: %w", i, err)
		}
	}
	return nil
}

func validateTags(tags []string) error {
	for _, t := range tags {
		if err := named("tag", t, appspec.Tag(t)); err != nil {
			return err
		}
	}
	return nil
}

// validateToken never puts the token in its message.
func (c ConsulSpec) validateToken() error {
	if c.Token != "" && c.TokenFile != "" {
		return errors.New("set token or token_file, not both")
	}
	if err := appspec.Token(c.Token); err != nil {
		return fmt.Errorf("token: %w", err)
	}
	if c.TokenFile != "" {
		return named("token_file", c.TokenFile, appspec.HostFile(c.TokenFile))
	}
	return nil
}

func validateMeta(meta map[string]string) error {
	if err := appspec.MetaPairs(len(meta)); err != nil {
		return fmt.Errorf("meta: %w", err)
	}
	for k, v := range meta {
		if err := named("meta key", k, appspec.MetaKey(k)); err != nil {
			return err
		}
		if err := appspec.MetaValue(v); err != nil {
			return fmt.Errorf("meta %.64q: value %w", k, err)
		}
	}
	return nil
}

func (c ConsulCheck) validate() error {
	switch {
	case (c.HTTP == "") == (c.TCP == ""):
		return errors.New("want exactly one of http, tcp")
	case c.HTTP != "":
		if err := named("http", c.HTTP, appspec.HTTPURL(c.HTTP)); err != nil {
			return err
		}
	default:
		if err := named("tcp", c.TCP, appspec.CheckAddress(c.TCP)); err != nil {
			return err
		}
	}
	if c.Interval < 0 || c.Timeout < 0 { // 0: 10s, and Consul's default
		return errors.New("interval and timeout must be >= 0")
	}
	return nil
}

func (s SlotSpec) validate() error {
	if err := named("unit", s.Unit, appspec.TemplateUnit(s.Unit)); err != nil {
		return err
	}
	if len(s.Slots) != appspec.SlotCount {
		return fmt.Errorf("want exactly %d slots, got %d", appspec.SlotCount, len(s.Slots))
	}
	names, ports := map[string]bool{}, map[int]bool{}
	for _, sl := range s.Slots {
		if err := named("slot name", sl.Name, appspec.SlotName(sl.Name)); err != nil {
			return err
		}
		if err := appspec.SlotUnit(s.Unit, sl.Name); err != nil {
			return fmt.Errorf("slot %s: %w", sl.Name, err)
		}
		if err := appspec.Port(sl.Port); err != nil {
			return fmt.Errorf("slot %s: port %w", sl.Name, err)
		}
		if names[sl.Name] || ports[sl.Port] {
			return fmt.Errorf("slot %s (port %d): names and ports must differ", sl.Name, sl.Port)
		}
		names[sl.Name], ports[sl.Port] = true, true
	}
	return nil
}
