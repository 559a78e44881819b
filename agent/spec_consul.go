package agent

import (
	"fmt"
	"log/slog"
	"time"
)

// DefaultConsulAddress is the host's local Consul agent.
const DefaultConsulAddress = "127.0.0.1:8500"

// defaultConsulInterval is a Consul check's interval when the spec sets
// none: Consul requires one for HTTP and TCP checks.
const defaultConsulInterval = 10 * time.Second

// ConsulSpec says how the host's instances appear in Consul, through the
// host's local Consul agent.
//
// Token is a secret: the agent never logs, journals, reports or echoes it
// in an error. String, GoString and LogValue redact it, so a stray %v or
// slog attribute cannot leak it either.
type ConsulSpec struct {
	Service   string `json:"service,omitempty"`    // "" = the app name
	Address   string `json:"address,omitempty"`    // host:port or http(s)://host:port; "" = DefaultConsulAddress
	Token     string `json:"token,omitempty"`      // ACL token sent by the controller
	TokenFile string `json:"token_file,omitempty"` // or: absolute path of a file on the host holding it
	// Port is the instance's port when the host has no slots (slots carry
	// their own).
	Port int               `json:"port,omitempty"`
	Tags []string          `json:"tags,omitempty"`
	Meta map[string]string `json:"meta,omitempty"` // fleet adds version, sha256, fleet_rollout
	// Drain is how long drain waits after taking a serving instance out of
	// the load balancer, for in-flight requests to finish. 0: no wait.
	Drain Duration `json:"drain,omitempty"`
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
// appspec.PortPlaceholder. Consul raises intervals under 1s to 1s.
type ConsulCheck struct {
	HTTP     string   `json:"http,omitempty"`
	TCP      string   `json:"tcp,omitempty"`
	Interval Duration `json:"interval,omitempty"` // 0: 10s
	Timeout  Duration `json:"timeout,omitempty"`  // 0: Consul's default
}

// SlotSpec gives the host two instances ("slots") of the app, each the
// instance <slot> of the systemd template Unit, each with its own port.
type SlotSpec struct {
	Unit  string `json:"unit"` // a template, e.g. "hello@.service"
	Slots []Slot `json:"slots"`
}

// Slot is one instance: its name (a version-like name, also the template
// instance) and the port it listens on.
type Slot struct {
	Name string `json:"name"`
	Port int    `json:"port"`
}

// withDefaults fills the fields whose zero value means a default.
func (c ConsulSpec) withDefaults(app string) ConsulSpec {
	if c.Service == "" {
		c.Service = app
	}
	if c.Address == "" {
		c.Address = DefaultConsulAddress
	}
	return c
}

// redacted is c without its token, for printing.
func (c ConsulSpec) redacted() consulPrintable {
	p := consulPrintable(c)
	if p.Token != "" {
		p.Token = "REDACTED"
	}
	return p
}

// consulPrintable has ConsulSpec's fields but none of its methods, so
// printing it does not recurse into String.
type consulPrintable ConsulSpec

// String prints c with the token redacted.
func (c ConsulSpec) String() string { return fmt.Sprintf("%+v", c.redacted()) }

// GoString is String for %#v.
func (c ConsulSpec) GoString() string { return c.String() }

// LogValue keeps the token out of slog output.
func (c ConsulSpec) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("service", c.Service),
		slog.String("address", c.Address),
		slog.Bool("token", c.Token != ""),
		slog.String("token_file", c.TokenFile),
	)
}

// slot returns the slot named name.
func (s *SlotSpec) slot(name string) (Slot, bool) {
	if s == nil {
		return Slot{}, false
	}
	for _, sl := range s.Slots {
		if sl.Name == name {
			return sl, true
		}
	}
	return Slot{}, false
}
