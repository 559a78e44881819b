package agent

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// Consul's limits on service metadata, and the keys fleet sets itself.
const (
	maxMetaPairs       = 64
	maxMetaKeyLen      = 128
	maxMetaValueLen    = 512
	metaVersion        = "version"
	metaSHA256         = "sha256"
	metaRollout        = "fleet_rollout"
	minDeregisterAfter = time.Minute // Consul's own minimum
	maxPort            = 65535
	slotCount          = 2
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
		return fmt.Errorf("a check uses %s but the instance has no port: set consul.port or slots", PortPlaceholder)
	}
	return nil
}

func (c ConsulSpec) validate(h HealthSpec) error {
	if c.Service != "" {
		if err := validateName("service", c.Service); err != nil {
			return err
		}
	}
	if err := validateConsulAddress(c.Address); err != nil {
		return err
	}
	if err := c.validateToken(); err != nil {
		return err
	}
	if c.Port < 0 || c.Port > maxPort {
		return fmt.Errorf("port %d: want 0..%d", c.Port, maxPort)
	}
	if err := validateTags(c.Tags); err != nil {
		return err
	}
	if err := validateMeta(c.Meta); err != nil {
		return err
	}
	if err := c.validateTiming(h); err != nil {
		return err
	}
	for i, ck := range c.Checks {
		if err := ck.validate(); err != nil {
			return fmt.Errorf("check %d: %w", i, err)
		}
	}
	return nil
}

// validateTiming keeps Consul from reaping an instance while its gate
// runs: its checks are critical until it is healthy.
func (c ConsulSpec) validateTiming(h HealthSpec) error {
	if c.Drain < 0 {
		return errors.New("drain must be >= 0")
	}
	if d := c.DeregisterCriticalAfter; d != 0 && (d.Std() < minDeregisterAfter || d < h.Deadline) {
		return fmt.Errorf("deregister_critical_after %s: want 0, or >= %s and >= the health deadline %s",
			d, Duration(minDeregisterAfter), h.Deadline)
	}
	return nil
}

func validateTags(tags []string) error {
	for _, t := range tags {
		if t == "" {
			return errors.New("tags: empty tag")
		}
		if err := validateFreeText("tag", t); err != nil {
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
	if len(c.Token) > maxFreeTextLen {
		return fmt.Errorf("token: longer than %d bytes", maxFreeTextLen)
	}
	for i := 0; i < len(c.Token); i++ {
		if c.Token[i] < 0x21 || c.Token[i] > 0x7e {
			return errors.New("token: contains a byte that is not printable ASCII")
		}
	}
	if c.TokenFile != "" && (len(c.TokenFile) > maxRootLen ||
		!filepath.IsAbs(c.TokenFile) || filepath.Clean(c.TokenFile) != c.TokenFile) {
		return fmt.Errorf("token_file %q: want an absolute, clean path", c.TokenFile)
	}
	return nil
}

// validateConsulAddress accepts "" (the default), host:port, or
// http(s)://host:port.
func validateConsulAddress(addr string) error {
	if addr == "" {
		return nil
	}
	hostport := addr
	if strings.Contains(addr, "://") {
		u, err := url.Parse(addr)
		if err != nil {
			return fmt.Errorf("address: %w", err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Path != "" || u.RawQuery != "" || u.User != nil {
			return fmt.Errorf("address %q: want host:port or http(s)://host:port", addr)
		}
		hostport = u.Host
	}
	if strings.Contains(hostport, PortPlaceholder) {
		return fmt.Errorf("address %q: %s is for checks only", addr, PortPlaceholder)
	}
	return validateHostPort("address", hostport)
}

func validateMeta(meta map[string]string) error {
	if len(meta) > maxMetaPairs-3 { // fleet adds three
		return fmt.Errorf("meta: %d pairs, at most %d", len(meta), maxMetaPairs-3)
	}
	for k, v := range meta {
		if err := validateMetaKey(k); err != nil {
			return err
		}
		if len(v) > maxMetaValueLen {
			return fmt.Errorf("meta %s: value longer than %d bytes", k, maxMetaValueLen)
		}
		if err := validateFreeText("meta value", v); err != nil {
			return err
		}
	}
	return nil
}

// validateMetaKey applies Consul's rules for meta keys, and keeps the
// keys fleet sets for itself.
func validateMetaKey(k string) error {
	if k == "" || len(k) > maxMetaKeyLen || strings.HasPrefix(k, "consul-") {
		return fmt.Errorf("meta key %q: want 1..%d bytes, not starting with consul-", k, maxMetaKeyLen)
	}
	for i := 0; i < len(k); i++ {
		if !isAlnum(k[i]) && k[i] != '_' && k[i] != '-' {
			return fmt.Errorf("meta key %q: only A-Z a-z 0-9 _ -", k)
		}
	}
	if k == metaVersion || k == metaSHA256 || k == metaRollout {
		return fmt.Errorf("meta key %q: set by fleet", k)
	}
	return nil
}

func (c ConsulCheck) validate() error {
	switch {
	case (c.HTTP == "") == (c.TCP == ""):
		return errors.New("want exactly one of http, tcp")
	case c.HTTP != "":
		hc := HTTPCheck{URL: c.HTTP}
		if err := hc.validate(); err != nil {
			return err
		}
	default:
		if err := validateHostPort("tcp", c.TCP); err != nil {
			return err
		}
	}
	if c.Interval < 0 || c.Timeout < 0 {
		return errors.New("interval and timeout must be >= 0")
	}
	return nil
}

func (s SlotSpec) validate() error {
	if err := validateTemplateUnit(s.Unit); err != nil {
		return err
	}
	if len(s.Slots) != slotCount {
		return fmt.Errorf("want exactly %d slots, got %d", slotCount, len(s.Slots))
	}
	names, ports := map[string]bool{}, map[int]bool{}
	for _, sl := range s.Slots {
		if err := ValidateVersion(sl.Name); err != nil {
			return fmt.Errorf("slot name: %w", err)
		}
		if err := ValidateUnitName(s.instanceUnit(sl.Name)); err != nil {
			return fmt.Errorf("slot %s: %w", sl.Name, err)
		}
		if sl.Port < 1 || sl.Port > maxPort {
			return fmt.Errorf("slot %s: port %d: want 1..%d", sl.Name, sl.Port, maxPort)
		}
		if names[sl.Name] || ports[sl.Port] {
			return fmt.Errorf("slot %s (port %d): names and ports must differ", sl.Name, sl.Port)
		}
		names[sl.Name], ports[sl.Port] = true, true
	}
	return nil
}

// validateTemplateUnit requires <prefix>@.<type>, like "hello@.service".
func validateTemplateUnit(name string) error {
	stem, ok := cutUnitSuffix(name)
	prefix, found := strings.CutSuffix(stem, "@")
	if !ok || !found || prefix == "" || strings.Contains(prefix, "@") || prefix[0] == '-' {
		return fmt.Errorf("unit %q: want a template unit like app@.service", name)
	}
	if err := checkUnitChars(prefix); err != nil {
		return fmt.Errorf("unit %q: %w", name, err)
	}
	return nil
}
