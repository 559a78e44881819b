package agent_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
)

const consulToken = "3f1c0f6e-token-SECRET-b8a1"

// consulRequest is one request the fake Consul agent saw.
type consulRequest struct {
	Method, Path string
	Query        url.Values
	Token        string
	Body         []byte
}

// fakeConsul serves the few agent endpoints ConsulRegistry calls, with
// answers shaped like Consul's, and records every request.
type fakeConsul struct {
	mu   sync.Mutex
	reqs []consulRequest
}

func newFakeConsul(t *testing.T) (*fakeConsul, *httptest.Server) {
	t.Helper()
	f := &fakeConsul{}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeConsul) requests() []consulRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reqs)
}

func (f *fakeConsul) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.reqs = append(f.reqs, consulRequest{r.Method, r.URL.Path, r.URL.Query(), r.Header.Get("X-Consul-Token"), body})
	f.mu.Unlock()
	switch r.URL.Path {
	case "/v1/agent/service/register", "/v1/agent/check/deregister/service:web-blue:3",
		"/v1/agent/service/maintenance/web-blue", "/v1/agent/service/deregister/web-blue":
	case "/v1/agent/checks":
		writeJSON(w, http.StatusOK, map[string]api.AgentCheck{
			"service:web-blue:1":            {CheckID: "service:web-blue:1", ServiceID: "web-blue", Status: "critical"},
			"service:web-blue:3":            {CheckID: "service:web-blue:3", ServiceID: "web-blue", Status: "passing"},
			"_service_maintenance:web-blue": {CheckID: "_service_maintenance:web-blue", ServiceID: "web-blue", Status: "critical"},
			"service:other":                 {CheckID: "service:other", ServiceID: "other", Status: "passing"},
		})
	case "/v1/agent/health/service/id/web-blue":
		writeJSON(w, http.StatusServiceUnavailable, api.AgentServiceChecksInfo{
			AggregatedStatus: "maintenance",
			Service:          &api.AgentService{ID: "web-blue", Service: "web", Meta: map[string]string{"version": "2"}},
			Checks: api.HealthChecks{
				{CheckID: "service:web-blue:1", Name: "fleet: http", ServiceID: "web-blue", Status: "passing"},
				{CheckID: "_service_maintenance:web-blue", Name: "Service Maintenance Mode", ServiceID: "web-blue", Status: "critical"},
			},
		})
	case "/v1/agent/health/service/id/nope", "/v1/agent/service/deregister/gone":
		http.Error(w, "ServiceId not found", http.StatusNotFound)
	case "/v1/agent/service/maintenance/denied":
		http.Error(w, "Permission denied: token "+r.Header.Get("X-Consul-Token")+" lacks service:write", http.StatusForbidden)
	default:
		http.Error(w, "unexpected "+r.URL.Path, http.StatusTeapot)
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func newConsulRegistry(t *testing.T, srv *httptest.Server) *agent.ConsulRegistry {
	t.Helper()
	r, err := agent.NewConsulRegistry(appspec.Consul{Address: srv.Listener.Addr().String(), Token: consulToken})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestConsulRegistry_RegisterKeepsMaintenanceAndDropsStaleChecks(t *testing.T) {
	f, srv := newFakeConsul(t)
	r := newConsulRegistry(t, srv)
	err := r.Register(context.Background(), agent.Registration{
		ID: "web-blue", Name: "web", Port: 9001, Tags: []string{"edge"}, Meta: map[string]string{"version": "2"},
		Checks: []agent.RegistrationCheck{{
			ID: "service:web-blue:1", Name: "fleet: http", HTTP: "http://127.0.0.1:9001/health",
			Interval: 500 * time.Millisecond, Timeout: 2 * time.Second, DeregisterCriticalAfter: 10 * time.Minute,
		}},
	})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	reqs := f.requests()
	wantReqs := []struct{ method, path, query string }{
		{"PUT", "/v1/agent/service/register", ""}, // no replace-existing-checks: that would drop maintenance
		{"GET", "/v1/agent/checks", `filter=ServiceID+%3D%3D+%22web-blue%22`},
		{"PUT", "/v1/agent/check/deregister/service:web-blue:3", ""},
	}
	if len(reqs) != len(wantReqs) {
		t.Fatalf("requests = %+v", reqs)
	}
	for i, w := range wantReqs {
		if got := reqs[i]; got.Method != w.method || got.Path != w.path || got.Query.Encode() != w.query || got.Token != consulToken {
			t.Errorf("request %d = %s %s ?%s token %q; want %s %s ?%s with the token",
				i, got.Method, got.Path, got.Query.Encode(), got.Token, w.method, w.path, w.query)
		}
	}
	var sent api.AgentServiceRegistration
	if err := json.Unmarshal(reqs[0].Body, &sent); err != nil {
		t.Fatal(err)
	}
	if sent.ID != "web-blue" || sent.Name != "web" || sent.Port != 9001 || !slices.Equal(sent.Tags, []string{"edge"}) ||
		sent.Meta["version"] != "2" || len(sent.Checks) != 1 {
		t.Fatalf("registration sent = %s", reqs[0].Body)
	}
	c := sent.Checks[0]
	if c.CheckID != "service:web-blue:1" || c.HTTP != "http://127.0.0.1:9001/health" || c.Interval != "500ms" ||
		c.Timeout != "2s" || c.DeregisterCriticalServiceAfter != "10m0s" || c.Status != "critical" {
		t.Errorf("check sent = %+v", c)
	}
}

func TestConsulRegistry_MaintenanceInstanceDeregister(t *testing.T) {
	f, srv := newFakeConsul(t)
	r := newConsulRegistry(t, srv)
	ctx := context.Background()
	if err := r.Maintenance(ctx, "web-blue", true, "fleet: rollout r7"); err != nil {
		t.Fatal(err)
	}
	if err := r.Maintenance(ctx, "web-blue", false, ""); err != nil {
		t.Fatal(err)
	}
	st, err := r.Instance(ctx, "web-blue")
	if err != nil {
		t.Fatal(err)
	}
	if !st.Registered || !st.Maintenance || st.Meta["version"] != "2" ||
		!slices.Equal(st.Checks, []agent.CheckState{{ID: "service:web-blue:1", Name: "fleet: http", Status: "passing"}}) {
		t.Errorf("Instance = %+v", st)
	}
	if st, err := r.Instance(ctx, "nope"); err != nil || st.Registered {
		t.Errorf("Instance(unknown) = %+v, %v; want not registered", st, err)
	}
	if err := r.Deregister(ctx, "web-blue"); err != nil {
		t.Fatal(err)
	}
	if err := r.Deregister(ctx, "gone"); err != nil {
		t.Errorf("Deregister(unknown) = %v, want nil", err)
	}
	want := []string{
		"PUT /v1/agent/service/maintenance/web-blue?enable=true&reason=fleet%3A+rollout+r7",
		"PUT /v1/agent/service/maintenance/web-blue?enable=false",
		"GET /v1/agent/health/service/id/web-blue?format=json",
		"GET /v1/agent/health/service/id/nope?format=json",
		"PUT /v1/agent/service/deregister/web-blue?",
		"PUT /v1/agent/service/deregister/gone?",
	}
	var got []string
	for _, req := range f.requests() {
		got = append(got, req.Method+" "+req.Path+"?"+req.Query.Encode())
		if req.Token != consulToken {
			t.Errorf("%s %s: X-Consul-Token %q", req.Method, req.Path, req.Token)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestConsulRegistry_ErrorsNeverCarryTheToken(t *testing.T) {
	_, srv := newFakeConsul(t)
	r := newConsulRegistry(t, srv)
	err := r.Maintenance(context.Background(), "denied", true, "x")
	if err == nil || !strings.Contains(err.Error(), "403") || strings.Contains(err.Error(), consulToken) {
		t.Errorf("error = %v; want the 403 without the token", err)
	}
}

func TestConsulRegistry_TokenFile(t *testing.T) {
	f, srv := newFakeConsul(t)
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte(consulToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := agent.NewConsulRegistry(appspec.Consul{Address: "http://" + srv.Listener.Addr().String(), TokenFile: path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Instance(context.Background(), "nope"); err != nil {
		t.Fatal(err)
	}
	if reqs := f.requests(); len(reqs) != 1 || reqs[0].Token != consulToken {
		t.Errorf("requests = %+v, want the file's token", reqs)
	}
	_, err = agent.NewConsulRegistry(appspec.Consul{TokenFile: filepath.Join(t.TempDir(), "missing")})
	if err == nil {
		t.Error("a missing token file was accepted")
	}
}

func TestConsulRegistry_EveryCallHonoursContext(t *testing.T) {
	f, srv := newFakeConsul(t)
	r := newConsulRegistry(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := map[string]func() error{
		"register":    func() error { return r.Register(ctx, agent.Registration{ID: "web-blue", Name: "web"}) },
		"deregister":  func() error { return r.Deregister(ctx, "web-blue") },
		"maintenance": func() error { return r.Maintenance(ctx, "web-blue", true, "x") },
		"instance":    func() error { _, err := r.Instance(ctx, "web-blue"); return err },
	}
	for name, call := range calls {
		if err := call(); err == nil {
			t.Errorf("%s with a cancelled ctx: no error", name)
		}
	}
	if reqs := f.requests(); len(reqs) != 0 {
		t.Errorf("requests made under a cancelled ctx: %+v", reqs)
	}
}

func TestConsulRegistry_Unreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	r, err := agent.NewConsulRegistry(appspec.Consul{Address: addr, Token: consulToken})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Instance(context.Background(), "web-blue")
	if err == nil || strings.Contains(err.Error(), consulToken) {
		t.Errorf("Instance on a closed port = %v", err)
	}
}
