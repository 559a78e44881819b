package scaffold

import (
	"errors"
	"fmt"

	"github.com/fleetdeploy/fleet/appspec"
)

// ErrNoHost is Validate's answer for options that name no host.
var ErrNoHost = errors.New("init: no host: name them (fleet init web1 web2) or take them from ~/.ssh/config (--from-ssh-config 'web*')")

// Validate checks what the user typed with the agent's own rules
// (package appspec), so that an error names the flag or host rather than
// a line of a file never written; the inventory judges the rest. Empty
// fields other than Name take their defaults and are not checked.
func (o Options) Validate() error {
	checks := []typed{{"--name", o.Name, appspec.Name}, {"--binary", o.Binary, appspec.Binary}, {"--root", o.Root, appspec.Root}}
	for _, h := range o.Hosts {
		checks = append(checks, typed{"host", h, appspec.Name})
	}
	for _, ch := range checks {
		if ch.value == "" && ch.what != "--name" {
			continue
		}
		if err := ch.rule(ch.value); err != nil {
			return fmt.Errorf("%s %q: %w", ch.what, ch.value, err)
		}
	}
	if o.Port != 0 {
		if err := appspec.Port(o.Port); err != nil {
			return fmt.Errorf("--port: %w", err)
		}
	}
	if len(o.Hosts) == 0 {
		return ErrNoHost
	}
	return nil
}

// typed is one value the user typed, where, and the rule it must pass.
type typed struct {
	what, value string
	rule        func(string) error
}
