package inventory

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"
)

// Consul is how fleet registers the app's instances with the Consul agent
// on each host, drains them before a restart and, with Gate, waits for
// their Consul checks. A nil *Consul means fleet leaves Consul alone.
type Consul struct {
	Service   string // service name; default App.Name
	Address   string // the host's local agent, host:port as seen on the host; default 127.0.0.1:8500
	TokenEnv  string // environment variable on the controller holding the ACL token; optional
	TokenFile string // absolute path on the host of a file holding the ACL token; optional
	// Port is the instance port on hosts without slots. It is required
	// unless app.slots is set, and may still be 0 when every host runs slots.
	Port                    int
	Tags                    []string
	Meta                    map[string]string // never nil; never version, sha256 or fleet_rollout, which fleet sets
	Drain                   time.Duration     // time in maintenance before the instance is stopped; default 5s
	LBRefresh               time.Duration     // the load balancer's worst-case time to drop a critical instance; 0: not given
	Gate                    bool              // the health gate also waits for the instance's Consul checks; default true
	DeregisterCriticalAfter time.Duration     // 0: never; else at least 1m
	Checks                  []ConsulCheck
}

// ConsulCheck is one check registered with the service. Exactly one of
// HTTP and TCP is set; either may hold PortPlaceholder.
type ConsulCheck struct {
	HTTP     string        // URL Consul GETs
	TCP      string        // host:port Consul connects to
	Interval time.Duration // default 1s, at least 1s
	Timeout  time.Duration // default 1s
}

// reservedMeta are the service meta keys fleet sets itself.
var reservedMeta = []string{"version", "sha256", "fleet_rollout"}

const (
	defaultConsulAddress = "127.0.0.1:8500"
	defaultDrain         = 5 * time.Second
	defaultConsulCheck   = time.Second
	// minConsulInterval and minDeregister are Consul's own floors: it
	// silently raises shorter values, so a shorter setting would lie.
	minConsulInterval = time.Second
	minDeregister     = time.Minute // spelt "1m" in messages
	// Consul's limits on service meta.
	maxMetaPairs    = 64
	maxMetaKey      = 128
	maxMetaValue    = 512
	maxServiceLabel = 63
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
func (d *decoder) consul(n *yaml.Node, a at, app string, slots bool) (c *Consul, portBroken bool) {
	m := deref(n)
	if isNull(m) {
		d.errorf(m, a, "must be a mapping; write consul: {} to use Consul with the defaults, or remove it")
		return nil, true
	}
	f := d.fields(m, a, consulFields...)
	if m.Kind != yaml.MappingNode {
		return nil, true
	}
	c = &Consul{Service: app, Address: defaultConsulAddress, Drain: defaultDrain, Gate: true}
	if _, set := f["service"]; set {
		setIf(&c.Service, optional(d, f, "service", a, d.str, validServiceName))
	} else if app != "" {
		if err := validServiceName(app); err != nil {
			d.errorf(m, a.key("service"), "defaults to the app name %q, which %s; set service", app, err)
		}
	}
	setIf(&c.Address, optional(d, f, "address", a, d.str, validHostPort))
	setIf(&c.TokenEnv, optional(d, f, "token_env", a, d.str, validEnvName))
	setIf(&c.TokenFile, optional(d, f, "token_file", a, d.str, validHostFile))
	if _, env := f["token_env"]; env {
		if tf, file := f["token_file"]; file {
			d.errorf(deref(tf), a.key("token_file"), "set at most one of token_env and token_file")
		}
	}
	port := optional(d, f, "port", a, d.integer, validPort)
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
	setIf(&c.DeregisterCriticalAfter, optional(d, f, "deregister_critical_after", a, d.duration, validDeregister))
	for i, cn := range d.seq(f["checks"], a.key("checks")) {
		if ch, ok := d.consulCheck(cn, a.key("checks").index(i)); ok {
			c.Checks = append(c.Checks, ch)
		}
	}
	return c, !settled(f, "port", port)
}

func (d *decoder) consulCheck(n *yaml.Node, a at) (ConsulCheck, bool) {
	before := len(d.errs)
	f := d.fields(n, a, consulCheckFields...)
	var kinds []string
	for _, k := range consulCheckKinds {
		if _, ok := f[k]; ok {
			kinds = append(kinds, k)
		}
	}
	switch m := deref(n); {
	case len(kinds) == 0 && (isNull(m) || m.Kind == yaml.MappingNode):
		d.errorf(m, a, "must set exactly one of http and tcp")
	case len(kinds) > 1:
		d.errorf(m, a, "sets http and tcp; a check has exactly one kind")
	}
	c := ConsulCheck{Interval: defaultConsulCheck, Timeout: defaultConsulCheck}
	setIf(&c.HTTP, optional(d, f, "http", a, d.str, validHTTPURL))
	setIf(&c.TCP, optional(d, f, "tcp", a, d.str, validCheckAddress))
	setIf(&c.Interval, optional(d, f, "interval", a, d.duration, validConsulInterval))
	setIf(&c.Timeout, optional(d, f, "timeout", a, d.duration, positive))
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
		if err := validTag(tag); err != nil {
			d.invalid(deref(item), a.index(i), err)
			continue
		}
		if j, dup := seen[tag]; dup {
			d.errorf(deref(item), a.index(i), "duplicate tag %s (also tags[%d])", tag, j)
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
	n = deref(n)
	if isNull(n) {
		return out
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, a, "must be a mapping of keys to values, got %s", describe(n))
		return out
	}
	if pairs := len(n.Content) / 2; pairs > maxMetaPairs-len(reservedMeta) {
		d.errorf(n, a, "has %d keys; Consul allows %d and fleet sets %d itself", pairs, maxMetaPairs, len(reservedMeta))
	}
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		key, ok := d.key(k, a, first)
		if !ok {
			continue
		}
		if err := validMetaKey(key); err != nil {
			d.errorf(k, a.key(key), "key %s", err)
			continue
		}
		if v == nil || v.Kind != yaml.ScalarNode || isNull(v) {
			d.errorf(v, a.key(key), "must be a string, got %s", describe(v))
			continue
		}
		if len(v.Value) > maxMetaValue {
			d.errorf(v, a.key(key), "must be at most %d characters", maxMetaValue)
			continue
		}
		out[key] = v.Value
	}
	return out
}

// validServiceName keeps the name usable in Consul DNS, which is how most
// clients find the service: letters, digits and '-', as one DNS label.
func validServiceName(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	if len(s) > maxServiceLabel {
		return fmt.Errorf("must be at most %d characters (one DNS label)", maxServiceLabel)
	}
	if r, bad := firstBad(s, func(r rune) bool { return isAlnum(r) || r == '-' }); bad {
		return fmt.Errorf("must not contain %q (Consul DNS allows letters, digits and '-')", r)
	}
	if s[0] == '-' || s[len(s)-1] == '-' {
		return errors.New("must not start or end with '-'")
	}
	return nil
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

// validHostFile accepts an absolute, clean path on the host. ~ would be
// expanded on the controller, not the host, so it is refused.
func validHostFile(s string) error {
	if strings.HasPrefix(s, "~") {
		return fmt.Errorf("is a path on the host, where ~ is not expanded; write an absolute path, got %q", s)
	}
	if strings.ContainsRune(s, 0) {
		return errors.New("must not contain NUL")
	}
	if !path.IsAbs(s) {
		return fmt.Errorf("must be an absolute path on the host, got %q", s)
	}
	if c := path.Clean(s); c != s {
		return fmt.Errorf("must be a clean path (did you mean %s?)", c)
	}
	if s == "/" {
		return errors.New("must name a file, not /")
	}
	return nil
}

func validTag(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }); i >= 0 {
		return fmt.Errorf("must not contain %q", []rune(s[i:])[0])
	}
	return nil
}

// validMetaKey applies Consul's rules for service meta keys and keeps
// fleet's own keys for fleet.
func validMetaKey(s string) error {
	if slices.Contains(reservedMeta, s) {
		return fmt.Errorf("is reserved: fleet sets %s itself", strings.Join(reservedMeta, ", "))
	}
	if s == "" {
		return errors.New("must not be empty")
	}
	if len(s) > maxMetaKey {
		return fmt.Errorf("must be at most %d characters", maxMetaKey)
	}
	if r, bad := firstBad(s, func(r rune) bool { return isAlnum(r) || r == '_' || r == '-' }); bad {
		return fmt.Errorf("must not contain %q (Consul allows letters, digits, '_' and '-')", r)
	}
	if strings.HasPrefix(s, "consul-") {
		return errors.New("must not start with consul-, which Consul reserves")
	}
	return nil
}

func validConsulInterval(v time.Duration) error {
	if v < minConsulInterval {
		return fmt.Errorf("must be at least %s; Consul raises shorter intervals to %s, got %s", minConsulInterval, minConsulInterval, v)
	}
	return nil
}

func validDeregister(v time.Duration) error {
	if v != 0 && v < minDeregister {
		return fmt.Errorf("must be 0 (never) or at least 1m; Consul raises shorter values to 1m, got %s", v)
	}
	return nil
}
