package appspec

import "fmt"

// Spec is the app spec: what the inventory's app section decodes into and
// what the controller sends the agent in hello, where it fixes the host
// layout (Root) for the whole session. Its JSON is the wire format between
// controller and agent, so field names and tags never change.
type Spec struct {
	Name   string   `json:"name"`
	Root   string   `json:"root"`   // absolute, clean; e.g. /opt/<name>
	Binary string   `json:"binary"` // file name inside releases/<v>/
	Units  []string `json:"units"`  // systemd units restarted in order
	Keep   int      `json:"keep"`   // releases prune keeps (>= MinKeep)
	Health Health   `json:"health"`

	// Consul, when set, makes the host's instances Consul services the
	// agent registers, drains and enables (drain, register, enable, stop).
	Consul *Consul `json:"consul,omitempty"`
	// Slots, when set, lets the host run two instances of the app side by
	// side from one systemd template unit, so a surge upgrade starts the
	// new version next to the old one.
	Slots *Slots `json:"slots,omitempty"`
	// Shared are paths inside every release that live in <root>/shared/
	// instead, kept across releases ("var/uploads/" a directory), each
	// with the owner, group and mode the agent creates it with. An entry
	// with a path only travels as a JSON string, as before.
	Shared []SharedEntry `json:"shared,omitempty"`
	// EnvFile is a file inside the release (shipped or shared) for the
	// unit's EnvironmentFile=; staging refuses a release without it.
	EnvFile string `json:"env_file,omitempty"`
	// MaxUnpackedMiB bounds a bundle's files together on the host (0:
	// DefaultMaxUnpackedMiB).
	MaxUnpackedMiB int `json:"max_unpacked_mib,omitempty"`
	// Hooks are commands the agent runs around a rollout (hooks.go).
	Hooks *Hooks `json:"hooks,omitempty"`
}

// Validate checks the whole spec with this package's rules: the agent
// runs it on everything hello receives, before any of it is used, and
// the controller once more before it connects (the inventory applied the
// same rules field by field, with file:line:col).
func (s Spec) Validate() error {
	if err := named("name", s.Name, Name(s.Name)); err != nil {
		return err
	}
	if err := named("root", s.Root, Root(s.Root)); err != nil {
		return err
	}
	if err := named("binary", s.Binary, Binary(s.Binary)); err != nil {
		return err
	}
	for _, u := range s.Units {
		if err := named("unit", u, Unit(u)); err != nil {
			return err
		}
	}
	if err := Keep(s.Keep); err != nil {
		return fmt.Errorf("keep: %w", err)
	}
	if err := s.Health.Validate(); err != nil {
		return fmt.Errorf("health: %w", err)
	}
	if err := s.validateFiles(); err != nil {
		return err
	}
	if s.Hooks != nil {
		if err := s.Hooks.Validate(); err != nil {
			return fmt.Errorf("hooks: %w", err)
		}
	}
	return s.validateInstances()
}

// validateFiles checks shared, env_file and max_unpacked_mib.
func (s Spec) validateFiles() error {
	if err := MaxUnpackedMiB(s.MaxUnpackedMiB); err != nil {
		return fmt.Errorf("max_unpacked_mib: %w", err)
	}
	for _, e := range s.Shared {
		if err := named("shared", e.Path, e.Validate()); err != nil {
			return err
		}
	}
	if err := Shared(s.Shared, s.Binary); err != nil {
		return fmt.Errorf("shared: %w", err)
	}
	if s.EnvFile == "" {
		return nil
	}
	if err := named("env_file", s.EnvFile, EnvFile(s.EnvFile)); err != nil {
		return err
	}
	for _, e := range s.Shared {
		if e.IsDir() && e.Name() == s.EnvFile {
			return fmt.Errorf("env_file %s: is the shared directory %s; name a file", s.EnvFile, e.Path)
		}
	}
	return nil
}

// Gate says why the health op cannot judge a release with this spec: no
// check, and no Consul gate with a check of its own (the rule Gate).
// hello accepts such a spec, for the ops that need no gate; the inventory
// refuses it when it is loaded.
func (s Spec) Gate() error {
	consulGate, consulChecks := false, 0
	if s.Consul != nil {
		consulGate, consulChecks = s.Consul.Gate, len(s.Consul.Checks)
	}
	return Gate(len(s.Health.Checks), consulGate, consulChecks)
}

// validateInstances checks what the instances are made of: Consul,
// slots, and that every instance has a port if a check needs one.
func (s Spec) validateInstances() error {
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
	if s.UsesPort() && s.Slots == nil && (s.Consul == nil || s.Consul.Port == 0) {
		return fmt.Errorf("a check uses %s but the instance has no port: set consul.port or slots", PortPlaceholder)
	}
	return nil
}

// UsesPort reports whether any check of the health spec or of Consul
// needs the instance's port (PortPlaceholder).
func (s Spec) UsesPort() bool {
	if s.Health.UsesPort() {
		return true
	}
	if s.Consul != nil {
		for _, c := range s.Consul.Checks {
			if UsesPort(c.HTTP) || UsesPort(c.TCP) {
				return true
			}
		}
	}
	return false
}

// named puts what and the value (clipped: it may be up to a request line
// long) in front of a rule's error; nil stays nil.
func named(what, v string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %.64q: %w", what, v, err)
}
