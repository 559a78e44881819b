package appspec

import (
	"errors"
	"fmt"
	"log/slog"
)

// DefaultConsulAddress is the host's local Consul agent.
const DefaultConsulAddress = "127.0.0.1:8500"

// Consul says how the host's instances appear in Consul, through the
// host's local Consul agent: fleet registers them, drains them before a
// restart and, with Gate, waits for their Consul checks. A nil *Consul
// means fleet leaves Consul alone.
//
// Token is a secret: nothing logs, journals, reports or echoes it in an
// error. String, GoString and LogValue redact it, so a stray %v or slog
// attribute cannot leak it either. TokenEnv and LBRefresh are the
// controller's: they never travel to the agent.
type Consul struct {
	Service   string `json:"service,omitempty"`    // "" = the app name (the inventory fills it in)
	Address   string `json:"address,omitempty"`    // host:port or http(s)://host:port; "" = DefaultConsulAddress
	Token     string `json:"token,omitempty"`      // ACL token sent by the controller
	TokenFile string `json:"token_file,omitempty"` // or: absolute path of a file on the host holding it
	// TokenEnv is the environment variable on the controller holding the
	// token, which the controller copies into Token before it connects.
	TokenEnv string `json:"-"`
	// Port is the instance's port when the host has no slots (slots carry
	// their own).
	Port int               `json:"port,omitempty"`
	Tags []string          `json:"tags,omitempty"`
	Meta map[string]string `json:"meta,omitempty"` // fleet adds version, sha256, fleet_rollout
	// Drain is how long drain waits after taking a serving instance out of
	// the load balancer, for in-flight requests to finish. 0: no wait.
	Drain Duration `json:"drain,omitempty"`
	// LBRefresh is the load balancer's worst-case time to drop a critical
	// instance, which Drain must cover; 0: not given. The plan shows it.
	LBRefresh Duration `json:"-"`
	// Gate makes the health gate also require the instance's own Consul
	// checks to pass (the maintenance check aside).
	Gate   bool          `json:"gate,omitempty"`
	Checks []ConsulCheck `json:"checks,omitempty"`
	// DeregisterCriticalAfter lets Consul reap an instance whose checks
	// stay critical that long. 0: never. It must exceed the health
	// deadline, or Consul could reap an instance while its gate runs.
	DeregisterCriticalAfter Duration `json:"deregister_critical_after,omitempty"`
}

// ConsulCheck is one check Consul runs against the instance; exactly one
// of HTTP (a URL) and TCP (host:port) is set, either may contain
// PortPlaceholder. Consul raises intervals under 1s to 1s.
type ConsulCheck struct {
	HTTP     string   `json:"http,omitempty"`
	TCP      string   `json:"tcp,omitempty"`
	Interval Duration `json:"interval,omitempty"` // 0: 10s
	Timeout  Duration `json:"timeout,omitempty"`  // 0: Consul's default
}

// WithDefaults fills the fields whose zero value means a default.
func (c Consul) WithDefaults(app string) Consul {
	if c.Service == "" {
		c.Service = app
	}
	if c.Address == "" {
		c.Address = DefaultConsulAddress
	}
	return c
}

// redacted is c without its token, for printing.
func (c Consul) redacted() consulPrintable {
	p := consulPrintable(c)
	if p.Token != "" {
		p.Token = "REDACTED"
	}
	return p
}

// consulPrintable has Consul's fields but none of its methods, so
// printing it does not recurse into String.
type consulPrintable Consul

// String prints c with the token redacted.
func (c Consul) String() string { return fmt.Sprintf("%+v", c.redacted()) }

// GoString is String for %#v.
func (c Consul) GoString() string { return c.String() }

// LogValue keeps the token out of slog output (a JSON handler would
// otherwise marshal it with the rest).
func (c Consul) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("service", c.Service),
		slog.String("address", c.Address),
		slog.Bool("token", c.Token != ""),
		slog.String("token_file", c.TokenFile),
	)
}

func (c Consul) validate(h Health) error {
	if c.Service != "" { // "": the app name
		if err := named("service", c.Service, ServiceName(c.Service)); err != nil {
			return err
		}
	}
	if c.Address != "" { // "": DefaultConsulAddress
		if err := named("address", c.Address, ConsulAddress(c.Address)); err != nil {
			return err
		}
	}
	if err := c.validateToken(); err != nil {
		return err
	}
	if c.Port != 0 { // 0: none, the host has slots
		if err := Port(c.Port); err != nil {
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
	if err := DeregisterAfter(c.DeregisterCriticalAfter.Std(), h.Deadline.Std()); err != nil {
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
		if err := named("tag", t, Tag(t)); err != nil {
			return err
		}
	}
	return nil
}

// validateToken never puts the token in its message.
func (c Consul) validateToken() error {
	if c.Token != "" && c.TokenFile != "" {
		return errors.New("set token or token_file, not both")
	}
	if err := Token(c.Token); err != nil {
		return fmt.Errorf("token: %w", err)
	}
	if c.TokenFile != "" {
		return named("token_file", c.TokenFile, HostFile(c.TokenFile))
	}
	return nil
}

func validateMeta(meta map[string]string) error {
	if err := MetaPairs(len(meta)); err != nil {
		return fmt.Errorf("meta: %w", err)
	}
	for k, v := range meta {
		if err := named("meta key", k, MetaKey(k)); err != nil {
			return err
		}
		if err := MetaValue(v); err != nil {
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
		if err := named("http", c.HTTP, HTTPURL(c.HTTP)); err != nil {
			return err
		}
	default:
		if err := named("tcp", c.TCP, CheckAddress(c.TCP)); err != nil {
			return err
		}
	}
	if c.Interval < 0 || c.Timeout < 0 { // 0: 10s, and Consul's default
		return errors.New("interval and timeout must be >= 0")
	}
	return nil
}
