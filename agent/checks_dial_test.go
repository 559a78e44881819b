package agent_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/fleetdeploy/fleet/appspec"
)

// TestDial_ChecksConnectThroughDeps: HTTP and TCP checks of addresses that
// resolve nowhere pass when Deps.Dial connects them to a server of the
// test's; the checks and the request still name what the spec says.
func TestDial_ChecksConnectThroughDeps(t *testing.T) {
	var hostsMu sync.Mutex
	var hosts []string // Host headers the health server saw
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hostsMu.Lock()
		hosts = append(hosts, r.Host)
		hostsMu.Unlock()
		_, _ = w.Write([]byte(`{"status": "ok"}`))
	}))
	t.Cleanup(srv.Close)

	var dialMu sync.Mutex
	var dialed []string
	h := newHost(t)
	h.dial = func(ctx context.Context, network, address string) (net.Conn, error) {
		dialMu.Lock()
		dialed = append(dialed, network+" "+address)
		dialMu.Unlock()
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Listener.Addr().String())
	}
	h.checks = []appspec.Check{
		{HTTP: &appspec.HTTPCheck{URL: "http://app.invalid:8080/healthz", Body: "ok"}},
		{TCP: &appspec.TCPCheck{Address: "app.invalid:9"}},
	}
	s := h.open(t)
	h.deploy(t, s.c, "1", true)

	st, err := s.c.Probe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range st.Checks {
		if !c.OK {
			t.Errorf("check %s: %s", c.Check, c.Reason)
		}
		names = append(names, c.Check)
	}
	if want := []string{"http GET http://app.invalid:8080/healthz", "tcp app.invalid:9"}; !slices.Equal(names, want) {
		t.Errorf("checks %q, want %q", names, want)
	}
	dialMu.Lock()
	defer dialMu.Unlock()
	for _, want := range []string{"tcp app.invalid:8080", "tcp app.invalid:9"} {
		if !slices.Contains(dialed, want) {
			t.Errorf("Dial calls %q, want one for %q", dialed, want)
		}
	}
	hostsMu.Lock()
	defer hostsMu.Unlock()
	if len(hosts) == 0 || hosts[0] != "app.invalid:8080" {
		t.Errorf("Host headers %q, want app.invalid:8080", hosts)
	}
}
