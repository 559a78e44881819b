package agent

import (
	"context"
	"time"
)

// Registry is the agent's view of the host's local Consul agent.
// ConsulRegistry implements it over consul/api; tests use
// agenttest.Registry.
type Registry interface {
	// Register (re)registers an instance. It keeps the instance's
	// maintenance mode, if any, and leaves it with exactly reg's checks.
	Register(ctx context.Context, reg Registration) error
	// Deregister removes an instance; an unknown id is not an error.
	Deregister(ctx context.Context, id string) error
	// Maintenance turns an instance's maintenance mode on (with reason)
	// or off. Consul implements it as a critical check, which takes the
	// instance out of every ?passing query.
	Maintenance(ctx context.Context, id string, on bool, reason string) error
	// Instance reads how Consul sees an instance.
	Instance(ctx context.Context, id string) (InstanceState, error)
	// SetWeights changes a registered instance's weights and nothing
	// else: its checks keep their status and its maintenance mode stays,
	// so a share of traffic moves without the instance leaving the
	// balancer.
	SetWeights(ctx context.Context, id string, w Weights) error
}

// Weights are an instance's Consul weights: the SRV weight Consul DNS
// gives it while its checks pass (Passing) or warn (Warning). Consul's
// default, and fleet's normal, is 1 and 1.
type Weights struct {
	Passing int `json:"passing"`
	Warning int `json:"warning"`
}

// NormalWeights is what an instance registered without weights gets.
var NormalWeights = Weights{Passing: 1, Warning: 1}

// Registration is one instance as the agent registers it.
type Registration struct {
	ID     string
	Name   string
	Port   int
	Tags   []string
	Meta   map[string]string
	Checks []RegistrationCheck
	// Weights: nil registers Consul's default (NormalWeights).
	Weights *Weights
}

// RegistrationCheck is one check Consul runs on the instance; exactly one
// of HTTP and TCP is set. New checks start critical.
type RegistrationCheck struct {
	ID                      string
	Name                    string
	HTTP                    string
	TCP                     string
	Interval                time.Duration
	Timeout                 time.Duration // 0: Consul's default
	DeregisterCriticalAfter time.Duration // 0: never
}

// InstanceState is an instance as Consul sees it. Checks leaves out the
// maintenance check, which Maintenance reports.
type InstanceState struct {
	Registered  bool
	Maintenance bool
	Checks      []CheckState
	Meta        map[string]string
	Weights     Weights
}

// CheckState is one of an instance's checks.
type CheckState struct {
	ID     string
	Name   string
	Status string // passing, warning, critical
}

// Consul check statuses.
const (
	CheckPassing  = "passing"
	CheckWarning  = "warning"
	CheckCritical = "critical"
)

// passing reports whether every check (maintenance aside) passes.
func (st InstanceState) passing() bool {
	for _, c := range st.Checks {
		if c.Status != CheckPassing {
			return false
		}
	}
	return true
}
