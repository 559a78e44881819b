package deploy

import (
	"errors"
	"fmt"
	"os"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/inventory"
)

// appSpec is the part of the inventory the agent needs on the host. A
// Consul token named by token_env is read here, on the controller, and
// travels to the agent inside the SSH session only.
//
// inventory applied the agent's rules (package appspec) when it loaded;
// the spec is validated once more here, before any connection, so a rule
// the two ever disagree on stops the command instead of a host.
func appSpec(a inventory.App) (agent.AppSpec, error) {
	spec, err := specOf(a)
	if err != nil {
		return spec, err
	}
	if err := errors.Join(spec.Validate(), spec.Gate()); err != nil {
		return spec, fmt.Errorf("app spec: %w", err)
	}
	return spec, nil
}

// specOf converts the inventory's app into the agent's spec.
func specOf(a inventory.App) (agent.AppSpec, error) {
	checks := make([]agent.CheckSpec, 0, len(a.Health.Checks))
	for _, ch := range a.Health.Checks {
		checks = append(checks, checkSpec(ch))
	}
	spec := agent.AppSpec{
		Name:   a.Name,
		Root:   a.Root,
		Binary: a.Binary,
		Units:  a.Units,
		Keep:   a.Keep,
		Health: agent.HealthSpec{
			MinHealthyTime: agent.Duration(a.Health.MinHealthyTime),
			Deadline:       agent.Duration(a.Health.HealthyDeadline),
			Interval:       agent.Duration(a.Health.Interval),
			Checks:         checks,
		},
	}
	if a.Slots != nil {
		spec.Slots = &agent.SlotSpec{Unit: a.Slots.Unit}
		for _, s := range a.Slots.Instances {
			spec.Slots.Slots = append(spec.Slots.Slots, agent.Slot{Name: s.Name, Port: s.Port})
		}
	}
	if a.Consul != nil {
		c, err := consulSpec(a.Consul)
		if err != nil {
			return spec, err
		}
		spec.Consul = c
	}
	return spec, nil
}

func consulSpec(c *inventory.Consul) (*agent.ConsulSpec, error) {
	spec := &agent.ConsulSpec{
		Service:                 c.Service,
		Address:                 c.Address,
		TokenFile:               c.TokenFile,
		Port:                    c.Port,
		Tags:                    c.Tags,
		Meta:                    c.Meta,
		Drain:                   agent.Duration(c.Drain),
		Gate:                    c.Gate,
		DeregisterCriticalAfter: agent.Duration(c.DeregisterCriticalAfter),
	}
	if c.TokenEnv != "" {
		tok, ok := os.LookupEnv(c.TokenEnv)
		if !ok || tok == "" {
			return nil, fmt.Errorf("app.consul.token_env: environment variable %s is not set", c.TokenEnv)
		}
		if err := appspec.Token(tok); err != nil { // never shows the token
			return nil, fmt.Errorf("app.consul.token_env: the token in %s %w", c.TokenEnv, err)
		}
		spec.Token = tok
	}
	for _, ch := range c.Checks {
		spec.Checks = append(spec.Checks, agent.ConsulCheck{HTTP: ch.HTTP, TCP: ch.TCP,
			Interval: agent.Duration(ch.Interval), Timeout: agent.Duration(ch.Timeout)})
	}
	return spec, nil
}

func checkSpec(ch inventory.Check) agent.CheckSpec {
	var s agent.CheckSpec
	switch {
	case ch.HTTP != nil:
		s.HTTP = &agent.HTTPCheck{URL: ch.HTTP.URL, Status: ch.HTTP.Status, Body: ch.HTTP.Body, Timeout: agent.Duration(ch.HTTP.Timeout)}
	case ch.TCP != nil:
		s.TCP = &agent.TCPCheck{Address: ch.TCP.Address, Timeout: agent.Duration(ch.TCP.Timeout)}
	case ch.Command != nil:
		s.Command = &agent.CommandCheck{Argv: ch.Command.Argv, Timeout: agent.Duration(ch.Command.Timeout)}
	case ch.Systemd != nil:
		s.Systemd = &agent.SystemdCheck{Unit: ch.Systemd.Unit, State: ch.Systemd.State}
	}
	return s
}
