package agenttest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
)

var _ agent.Registry = (*Registry)(nil)

// ErrConsulDown is what every call returns while the fake is down.
var ErrConsulDown = errors.New("dial tcp 127.0.0.1:8500: connect: connection refused")

// Registry is an in-memory local Consul agent with Consul's semantics:
// registration keeps maintenance mode, new checks start critical,
// maintenance of an unknown service fails, deregistering one does not.
//
// The …Fn fields, when set, replace the method entirely.
type Registry struct {
	RegisterFn    func(ctx context.Context, reg agent.Registration) error
	DeregisterFn  func(ctx context.Context, id string) error
	MaintenanceFn func(ctx context.Context, id string, on bool, reason string) error
	InstanceFn    func(ctx context.Context, id string) (agent.InstanceState, error)
	// NewErr, when set, is what New returns.
	NewErr error

	mu       sync.Mutex
	down     bool
	services map[string]*Service
	specs    []appspec.Consul
	calls    []string
}

// Service is one registered instance.
type Service struct {
	Registration agent.Registration
	Maintenance  bool
	Reason       string
	Checks       map[string]string // check ID -> status
}

// NewRegistry returns an empty, reachable Consul.
func NewRegistry() *Registry {
	return &Registry{services: map[string]*Service{}}
}

// New is a Deps.NewRegistry: it records the spec and returns r.
func (r *Registry) New(spec appspec.Consul) (agent.Registry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.specs = append(r.specs, spec)
	if r.NewErr != nil {
		return nil, r.NewErr
	}
	return r, nil
}

// Specs lists the specs New was called with.
func (r *Registry) Specs() []appspec.Consul {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.specs)
}

// SetDown makes every call fail with ErrConsulDown (true) or work again.
func (r *Registry) SetDown(down bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.down = down
}

// Calls lists the calls that change state, as "register x",
// "deregister x", "maintenance x on: <reason>", "maintenance x off";
// failed ones too. Instance is not recorded.
func (r *Registry) Calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// Add registers reg directly, as if an earlier session had, with every
// check passing.
func (r *Registry) Add(reg agent.Registration, maintenance bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	svc := &Service{Registration: reg, Maintenance: maintenance, Checks: map[string]string{}}
	for _, c := range reg.Checks {
		svc.Checks[c.ID] = agent.CheckPassing
	}
	r.services[reg.ID] = svc
}

// SetChecks sets the status of every check of service id.
func (r *Registry) SetChecks(id, status string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if svc, ok := r.services[id]; ok {
		for c := range svc.Checks {
			svc.Checks[c] = status
		}
	}
}

// Service returns a copy of service id.
func (r *Registry) Service(id string) (Service, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	svc, ok := r.services[id]
	if !ok {
		return Service{}, false
	}
	cp := *svc
	cp.Checks = maps.Clone(svc.Checks)
	return cp, true
}

// Register implements agent.Registry.
func (r *Registry) Register(ctx context.Context, reg agent.Registration) error {
	if r.RegisterFn != nil {
		return r.RegisterFn(ctx, reg)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "register "+reg.ID)
	if r.down {
		return ErrConsulDown
	}
	svc := &Service{Checks: map[string]string{}}
	if old, ok := r.services[reg.ID]; ok {
		svc.Maintenance, svc.Reason = old.Maintenance, old.Reason
	}
	reg.Meta = maps.Clone(reg.Meta)
	reg.Tags = slices.Clone(reg.Tags)
	reg.Checks = slices.Clone(reg.Checks)
	if reg.Weights != nil {
		w := *reg.Weights
		reg.Weights = &w
	}
	svc.Registration = reg
	for _, c := range reg.Checks {
		svc.Checks[c.ID] = agent.CheckCritical
	}
	r.services[reg.ID] = svc
	return nil
}

// Deregister implements agent.Registry.
func (r *Registry) Deregister(ctx context.Context, id string) error {
	if r.DeregisterFn != nil {
		return r.DeregisterFn(ctx, id)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "deregister "+id)
	if r.down {
		return ErrConsulDown
	}
	delete(r.services, id)
	return nil
}

// Maintenance implements agent.Registry.
func (r *Registry) Maintenance(ctx context.Context, id string, on bool, reason string) error {
	if r.MaintenanceFn != nil {
		return r.MaintenanceFn(ctx, id, on, reason)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	call := "maintenance " + id + " off"
	if on {
		call = "maintenance " + id + " on: " + reason
	}
	r.calls = append(r.calls, call)
	if r.down {
		return ErrConsulDown
	}
	svc, ok := r.services[id]
	if !ok {
		//lint:ignore ST1005 the text Consul's API client returns for an unknown service, as the agent sees it
		return fmt.Errorf("Unexpected response code: 404 (Unknown service ID %q)", id)
	}
	svc.Maintenance, svc.Reason = on, reason
	if !on {
		svc.Reason = ""
	}
	return nil
}

// Instance implements agent.Registry.
func (r *Registry) Instance(ctx context.Context, id string) (agent.InstanceState, error) {
	if r.InstanceFn != nil {
		return r.InstanceFn(ctx, id)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down {
		return agent.InstanceState{}, ErrConsulDown
	}
	svc, ok := r.services[id]
	if !ok {
		return agent.InstanceState{}, nil
	}
	st := agent.InstanceState{
		Registered: true, Maintenance: svc.Maintenance,
		Meta: maps.Clone(svc.Registration.Meta), Checks: []agent.CheckState{},
		Weights: agent.NormalWeights,
	}
	if w := svc.Registration.Weights; w != nil {
		st.Weights = *w
	}
	for _, c := range svc.Registration.Checks {
		st.Checks = append(st.Checks, agent.CheckState{ID: c.ID, Name: c.Name, Status: svc.Checks[c.ID]})
	}
	return st, nil
}

// SetWeights implements agent.Registry: the weights change, checks and
// maintenance stay as they were (as Consul does for a re-registration
// without check definitions).
func (r *Registry) SetWeights(ctx context.Context, id string, w agent.Weights) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, fmt.Sprintf("weights %s %d/%d", id, w.Passing, w.Warning))
	if r.down {
		return ErrConsulDown
	}
	svc, ok := r.services[id]
	if !ok {
		//lint:ignore ST1005 the text Consul's API client returns for an unknown service, as the agent sees it
		return fmt.Errorf("Unexpected response code: 404 (unknown service ID: %s)", id)
	}
	svc.Registration.Weights = &w
	return nil
}
