package inventory

import (
	"errors"
	"fmt"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
	"go.yaml.in/yaml/v3"
)

// app.consul's defaults (address: appspec.DefaultConsulAddress).
const (
	defaultDrain       = 5 * time.Second
	defaultConsulCheck = time.Second
	// minConsulInterval is Consul's own floor: it silently raises shorter
	// intervals, so a shorter setting would lie.
	minConsulInterval = time.Second
)

var (
	consulFields = []string{"service", "address", "token_env", "token_file", "port", "tags", "meta",
		"drain", "lb_refresh", "gate", "deregister_critical_after", "checks"}
	consulCheckKinds  = []string{"http", "tcp"}
	consulCheckFields = []string{"http", "tcp", "interval", "timeout"}
)

// consul decodes app.consul. slots says whether app.slots is written,
// which makes port optional. portBroken reports a port that was written
// but is wrong, so cross-checks on it stay quiet.
func (d *decoder) consul(n *yaml.Node, a at, app string, slots bool) (c *appspec.Consul, portBroken bool) {
	m := Deref(n)
	if IsNull(m) {
		d.errorf(m, a, "must be a mapping; write consul: {} to use Consul with the defaults, or remove it")
		return nil, true
	}
	f := d.fields(m, a, consulFields...)
	if m.Kind != yaml.MappingNode {
		return nil, true
	}
	c = &appspec.Consul{Service: app, Address: appspec.DefaultConsulAddress, Drain: appspec.Duration(defaultDrain), Gate: true}
	if _, set := f["service"]; set {
		setIf(&c.Service, optional(d, f, "service", a, d.str, appspec.ServiceName))
	} else if app != "" {
		if err := appspec.ServiceName(app); err != nil {
			d.errorf(m, a.key("service"), "defaults to the app name %q, which %s; set service", app, err)
		}
	}
	// host:port only, though the agent also takes http(s)://host:port.
	setIf(&c.Address, optional(d, f, "address", a, d.str, appspec.HostPort))
	setIf(&c.TokenEnv, optional(d, f, "token_env", a, d.str, validEnvName))
	setIf(&c.TokenFile, optional(d, f, "token_file", a, d.str, appspec.HostFile))
	if _, env := f["token_env"]; env {
		if tf, file := f["token_file"]; file {
			d.errorf(Deref(tf), a.key("token_file"), "set at most one of token_env and token_file")
		}
	}
	port := optional(d, f, "port", a, d.integer, appspec.Port)
	setIf(&c.Port, port)
	if _, set := f["port"]; !set && !slots {
		d.errorf(m, a.key("port"), "is required when app.slots is not set: it is the port Consul sends traffic to")
	}
	if tn, ok := f["tags"]; ok {
		c.Tags = d.consulTags(tn, a.key("tags"))
	}
	c.Meta = d.meta(f["meta"], a.key("meta"))
	d.drain(f, a, c)
	setIf(&c.Gate, optional(d, f, "gate", a, d.boolean, nil))
	// Its floor here; against the health deadline once health is decoded.
	setDurationIf(&c.DeregisterCriticalAfter, optional(d, f, "deregister_critical_after", a, d.duration,
		func(v time.Duration) error { return appspec.DeregisterAfter(v, 0) }))
	for i, cn := range d.seq(f["checks"], a.key("checks")) {
		if ch, ok := d.consulCheck(cn, a.key("checks").index(i)); ok {
			c.Checks = append(c.Checks, ch)
		}
	}
	return c, !settled(f, "port", port)
}

func (d *decoder) consulCheck(n *yaml.Node, a at) (appspec.ConsulCheck, bool) {
	before := len(d.errs)
	f := d.fields(n, a, consulCheckFields...)
	var kinds []string
	for _, k := range consulCheckKinds {
		if _, ok := f[k]; ok {
			kinds = append(kinds, k)
		}
	}
	switch m := Deref(n); {
	case len(kinds) == 0 && (IsNull(m) || m.Kind == yaml.MappingNode):
		d.errorf(m, a, "must set exactly one of http and tcp")
	case len(kinds) > 1:
		d.errorf(m, a, "sets http and tcp; a check has exactly one kind")
	}
	c := appspec.ConsulCheck{Interval: appspec.Duration(defaultConsulCheck), Timeout: appspec.Duration(defaultConsulCheck)}
	setIf(&c.HTTP, optional(d, f, "http", a, d.str, appspec.HTTPURL))
	setIf(&c.TCP, optional(d, f, "tcp", a, d.str, appspec.CheckAddress))
	setDurationIf(&c.Interval, optional(d, f, "interval", a, d.duration, validConsulInterval))
	setDurationIf(&c.Timeout, optional(d, f, "timeout", a, d.duration, appspec.Positive))
	return c, len(kinds) == 1 && len(d.errs) == before
}

func (d *decoder) consulTags(n *yaml.Node, a at) []string {
	var tags []string
	seen := map[string]int{}
	for i, item := range d.seq(n, a) {
		tag, ok := d.str(item, a.index(i))
		if !ok {
			continue
		}
		if err := appspec.Tag(tag); err != nil {
			d.invalid(Deref(item), a.index(i), err)
			continue
		}
		if j, dup := seen[tag]; dup {
			d.errorf(Deref(item), a.index(i), "duplicate tag %s (also tags[%d])", tag, j)
			continue
		}
		seen[tag] = i
		tags = append(tags, tag)
	}
	return tags
}

// meta decodes service meta. Values may be written as numbers or booleans
// and are kept as text, as labels are.
func (d *decoder) meta(n *yaml.Node, a at) map[string]string {
	out := map[string]string{}
	n = Deref(n)
	if IsNull(n) {
		return out
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, a, "must be a mapping of keys to values, got %s", describe(n))
		return out
	}
	if err := appspec.MetaPairs(len(n.Content) / 2); err != nil {
		d.invalid(n, a, err)
	}
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := Deref(n.Content[i]), Deref(n.Content[i+1])
		key, ok := d.key(k, a, first)
		if !ok {
			continue
		}
		if err := appspec.MetaKey(key); err != nil {
			d.errorf(k, a.key(key), "key %s", err)
			continue
		}
		if v == nil || v.Kind != yaml.ScalarNode || IsNull(v) {
			d.errorf(v, a.key(key), "must be a string, got %s", describe(v))
			continue
		}
		if err := appspec.MetaValue(v.Value); err != nil {
			d.invalid(v, a.key(key), err)
			continue
		}
		out[key] = v.Value
	}
	return out
}

// validEnvName accepts POSIX environment variable names.
func validEnvName(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	if r, bad := firstBad(s, func(r rune) bool { return isAlnum(r) || r == '_' }); bad {
		return fmt.Errorf("must be an environment variable name (letters, digits and '_'), not contain %q", r)
	}
	if s[0] >= '0' && s[0] <= '9' {
		return errors.New("must be an environment variable name, which does not start with a digit")
	}
	return nil
}

func validConsulInterval(v time.Duration) error {
	if v < minConsulInterval {
		return fmt.Errorf("must be at least %s; Consul raises shorter intervals to %s, got %s", minConsulInterval, minConsulInterval, v)
	}
	return nil
}
