//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// consulApp registers hello in Consul on its single instance (port 8080).
const consulApp = `  consul:
    service: hello
    port: 8080
    drain: 2s
    gate: true
    checks:
      - http: "http://127.0.0.1:{port}/healthz"
        interval: 1s
        timeout: 1s
`

// slotsApp runs hello in two slots per host, registered in Consul.
const slotsApp = `  consul:
    service: hello
    drain: 2s
    gate: true
    checks:
      - http: "http://127.0.0.1:{port}/healthz"
        interval: 1s
        timeout: 1s
  slots:
    unit: hello@.service
    instances:
      - {name: blue, port: 8081}
      - {name: green, port: 8082}
`

// resetConsulHosts is resetHosts plus: the slot template unit installed, no
// hello instance running, nothing registered in any host's Consul agent.
func (l *lab) resetConsulHosts(t *testing.T) {
	t.Helper()
	l.resetHosts(t)
	tmpl, err := os.ReadFile(filepath.Join(l.repo, "examples", "hello-consul", "hello@.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range l.names {
		c := fmt.Sprintf("systemctl stop hello@blue hello@green 2>/dev/null; systemctl reset-failed 'hello@*' 2>/dev/null; "+
			"for id in hello hello-blue hello-green; do curl -sf -X PUT http://127.0.0.1:8500/v1/agent/service/deregister/$id >/dev/null; done; "+
			"cat > /etc/systemd/system/hello@.service <<'UNIT'\n%sUNIT\n"+
			"mkdir -p /etc/systemd/system/hello@.service.d && "+
			"printf '[Service]\\nEnvironment=HELLO_WARMUP=1s\\n' > /etc/systemd/system/hello@.service.d/warmup.conf && "+
			"systemctl daemon-reload", tmpl)
		l.ssh(t, h, c)
	}
}

func (l *lab) consulAddr(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(l.dir, "consul-addr"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// instance is one hello instance as the Consul server's health endpoint
// reports it.
type instance struct {
	Node, ID string
	Port     int
	Version  string
	Passing  bool
	Weight   int // Consul's passing weight (1 is the normal one)
}

func (i instance) String() string {
	return fmt.Sprintf("%s/%s:%d@%s passing=%v", i.Node, i.ID, i.Port, i.Version, i.Passing)
}

// catalog reads /v1/health/service/hello (all instances, passing or not).
func (l *lab) catalog(t *testing.T) []instance {
	t.Helper()
	c := http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{Proxy: nil}}
	resp, err := c.Get(l.consulAddr(t) + "/v1/health/service/hello")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var entries []struct {
		Node    struct{ Node string }
		Service struct {
			ID      string
			Port    int
			Meta    map[string]string
			Weights struct{ Passing int }
		}
		Checks []struct{ Status string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&entries); err != nil {
		t.Fatal(err)
	}
	var out []instance
	for _, e := range entries {
		in := instance{Node: e.Node.Node, ID: e.Service.ID, Port: e.Service.Port, Version: e.Service.Meta["version"], Passing: true,
			Weight: e.Service.Weights.Passing}
		for _, ch := range e.Checks {
			in.Passing = in.Passing && ch.Status == "passing"
		}
		out = append(out, in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// waitAllPassing waits until want instances are registered and passing.
func (l *lab) waitAllPassing(t *testing.T, want int) []instance {
	t.Helper()
	return l.waitAllPassingWithin(t, want, 20*time.Second)
}

// waitAllPassingWithin is waitAllPassing with its own deadline, for a
// host whose Consul agent was just restarted: a client agent that starts
// before it knows a server fails its first sync and retries on Consul's
// own schedule (anti-entropy: 15 to 30 s after a failure, agent/ae).
func (l *lab) waitAllPassingWithin(t *testing.T, want int, within time.Duration) []instance {
	t.Helper()
	var got []instance
	waitFor(t, fmt.Sprintf("%d passing hello instances in Consul", want), within, func() bool {
		got = l.catalog(t)
		n := 0
		for _, in := range got {
			if in.Passing {
				n++
			}
		}
		return n == want && len(got) == want
	})
	return got
}

// assertMetaMatchesBinary checks that every instance's Consul meta version
// is what its binary says on /healthz.
func (l *lab) assertMetaMatchesBinary(t *testing.T, want string) {
	t.Helper()
	addr := map[string]string{}
	for i, n := range l.names {
		addr[n] = l.addrs[i]
	}
	for _, in := range l.catalog(t) {
		got, err := healthzVersionAt(addr[in.Node] + ":" + strconv.Itoa(in.Port))
		if err != nil || got != in.Version || in.Version != want {
			t.Errorf("%s: /healthz says %q (%v), Consul meta says %q, want %s", in, got, err, in.Version, want)
		}
	}
}

func healthzVersionAt(hostport string) (string, error) {
	host, port, _ := strings.Cut(hostport, ":")
	if port == "8080" {
		return healthzVersion(host)
	}
	return healthzVersionPort(host, port)
}
