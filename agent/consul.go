package agent

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
	"github.com/hashicorp/consul/api"
)

// ConsulRegistry is the real Registry: the agent endpoints of the host's
// local Consul agent, every call under the caller's ctx. The ACL token
// travels in the X-Consul-Token header only; it is never logged, and
// scrubbed from any error text that would show it.
type ConsulRegistry struct {
	agent *api.Agent
	token string // only to scrub it from errors
}

var _ Registry = (*ConsulRegistry)(nil)

// NewConsulRegistry builds a client for c.Address (appspec.DefaultConsulAddress
// when empty) with c's token, or the one in c.TokenFile. It does no I/O
// beyond reading the token file.
func NewConsulRegistry(c appspec.Consul) (*ConsulRegistry, error) {
	if c.Address == "" {
		c.Address = appspec.DefaultConsulAddress
	}
	token := c.Token
	if c.TokenFile != "" {
		// Read here rather than by consul/api, so the token is known
		// and can be scrubbed from errors like the spec's own.
		data, err := os.ReadFile(c.TokenFile)
		if err != nil {
			return nil, fmt.Errorf("consul token file: %w", err)
		}
		token = strings.TrimSpace(string(data))
	}
	cfg := &api.Config{
		Address:   c.Address,
		Scheme:    "http", // an https:// address switches it
		Token:     token,
		Transport: consulTransport(),
	}
	client, err := api.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("consul client %s: %w", c.Address, err)
	}
	return &ConsulRegistry{agent: client.Agent(), token: token}, nil
}

// scrub removes the token from an error's text, in case Consul (or a
// proxy in front of it) ever echoes it. Its cause goes too: printing
// that would bring the token back.
func (r *ConsulRegistry) scrub(err error) error {
	if err == nil || r.token == "" || !strings.Contains(err.Error(), r.token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), r.token, "REDACTED"))
}

// consulTransport talks to the agent directly: a proxy from the
// environment has no business between the agent and its local Consul.
func consulTransport() *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     30 * time.Second,
		TLSHandshakeTimeout: 5 * time.Second,
	}
}

func queryOpts(ctx context.Context) *api.QueryOptions {
	return (&api.QueryOptions{}).WithContext(ctx)
}

// Register registers without replace-existing-checks, which would also
// drop the maintenance check and let a half-started instance take
// traffic; checks the new definition no longer has are removed one by one
// instead.
func (r *ConsulRegistry) Register(ctx context.Context, reg Registration) error {
	svc := &api.AgentServiceRegistration{
		ID: reg.ID, Name: reg.Name, Port: reg.Port, Tags: reg.Tags, Meta: reg.Meta,
	}
	if reg.Weights != nil {
		svc.Weights = &api.AgentWeights{Passing: reg.Weights.Passing, Warning: reg.Weights.Warning}
	}
	keep := map[string]bool{}
	for _, c := range reg.Checks {
		svc.Checks = append(svc.Checks, &api.AgentServiceCheck{
			CheckID: c.ID, Name: c.Name, HTTP: c.HTTP, TCP: c.TCP,
			Interval: durationString(c.Interval), Timeout: durationString(c.Timeout),
			DeregisterCriticalServiceAfter: durationString(c.DeregisterCriticalAfter),
			Status:                         api.HealthCritical,
		})
		keep[c.ID] = true
	}
	if err := r.agent.ServiceRegisterOpts(svc, api.ServiceRegisterOpts{}.WithContext(ctx)); err != nil {
		return r.scrub(fmt.Errorf("consul register %s: %w", reg.ID, err))
	}
	checks, err := r.agent.ChecksWithFilterOpts(fmt.Sprintf("ServiceID == %q", reg.ID), queryOpts(ctx))
	if err != nil {
		return r.scrub(fmt.Errorf("consul register %s: list checks: %w", reg.ID, err))
	}
	for id, c := range checks {
		if keep[id] || c.ServiceID != reg.ID || strings.HasPrefix(id, api.ServiceMaintPrefix) {
			continue
		}
		if err := r.agent.CheckDeregisterOpts(id, queryOpts(ctx)); err != nil {
			return r.scrub(fmt.Errorf("consul register %s: drop stale check %s: %w", reg.ID, id, err))
		}
	}
	return nil
}

// Deregister treats Consul's 404 (unknown service) as done.
func (r *ConsulRegistry) Deregister(ctx context.Context, id string) error {
	err := r.agent.ServiceDeregisterOpts(id, queryOpts(ctx))
	var se api.StatusError
	if err == nil || errors.As(err, &se) && se.Code == http.StatusNotFound {
		return nil
	}
	return r.scrub(fmt.Errorf("consul deregister %s: %w", id, err))
}

// Maintenance toggles the instance's maintenance check.
func (r *ConsulRegistry) Maintenance(ctx context.Context, id string, on bool, reason string) error {
	var err error
	if on {
		err = r.agent.EnableServiceMaintenanceOpts(id, reason, queryOpts(ctx))
	} else {
		err = r.agent.DisableServiceMaintenanceOpts(id, queryOpts(ctx))
	}
	if err != nil {
		return r.scrub(fmt.Errorf("consul maintenance %s: %w", id, err))
	}
	return nil
}

// Instance reads /v1/agent/health/service/id/<id>: one call gives
// registration, meta and checks (the maintenance check among them).
func (r *ConsulRegistry) Instance(ctx context.Context, id string) (InstanceState, error) {
	_, info, err := r.agent.AgentHealthServiceByIDOpts(id, queryOpts(ctx))
	if err != nil {
		return InstanceState{}, r.scrub(fmt.Errorf("consul instance %s: %w", id, err))
	}
	if info == nil || info.Service == nil {
		return InstanceState{}, nil // 404: not registered
	}
	st := InstanceState{
		Registered: true, Meta: info.Service.Meta, Checks: []CheckState{},
		Weights: Weights{Passing: info.Service.Weights.Passing, Warning: info.Service.Weights.Warning},
	}
	for _, c := range info.Checks {
		switch {
		case c.CheckID == api.ServiceMaintPrefix+id:
			st.Maintenance = true
		case c.ServiceID == id:
			st.Checks = append(st.Checks, CheckState{ID: c.CheckID, Name: c.Name, Status: c.Status})
		}
	}
	return st, nil
}

// SetWeights re-registers the service as Consul holds it with new weights
// and no check definitions: without replace-existing-checks Consul keeps
// the service's checks, their status and the maintenance check as they
// are, so the instance never leaves the passing set.
func (r *ConsulRegistry) SetWeights(ctx context.Context, id string, w Weights) error {
	svc, _, err := r.agent.Service(id, queryOpts(ctx))
	if err != nil {
		return r.scrub(fmt.Errorf("consul weights %s: %w", id, err))
	}
	reg := &api.AgentServiceRegistration{
		ID: svc.ID, Name: svc.Service, Port: svc.Port, Address: svc.Address,
		Tags: svc.Tags, Meta: svc.Meta, EnableTagOverride: svc.EnableTagOverride,
		Weights: &api.AgentWeights{Passing: w.Passing, Warning: w.Warning},
	}
	if err := r.agent.ServiceRegisterOpts(reg, api.ServiceRegisterOpts{}.WithContext(ctx)); err != nil {
		return r.scrub(fmt.Errorf("consul weights %s: %w", id, err))
	}
	return nil
}

func durationString(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return d.String()
}
