//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// inventoryOptions vary the inventory a test writes for itself.
type inventoryOptions struct {
	knownHosts     string // default .lab/known_hosts
	minHealthyTime string // default 2s
	deadline       string // default 20s
	jump           string // ssh.jump, e.g. root@10.231.0.11
	appExtra       string // more lines under app: (consul, slots), indented two spaces
	strategy       string // strategy lines, indented two spaces; default max_unavailable 1, max_failures 0
	port           string // health check port; default 8080 ("{port}" with Consul or slots)
	keepalive      string // ssh.keepalive; default the inventory's
	user           string // ssh.user; default root
	sudo           bool   // ssh.sudo
}

// writeInventory writes a fleet.yaml for the hello example on every lab host.
func (l *lab) writeInventory(t *testing.T, o inventoryOptions) string {
	t.Helper()
	if o.knownHosts == "" {
		o.knownHosts = filepath.Join(l.dir, "known_hosts")
	}
	if o.minHealthyTime == "" {
		o.minHealthyTime = "2s"
	}
	if o.deadline == "" {
		o.deadline = "20s"
	}
	if o.port == "" {
		o.port = "8080"
	}
	if o.user == "" {
		o.user = "root"
	}
	if o.strategy == "" {
		o.strategy = "  max_unavailable: 1\n  max_failures: 0\n"
	}
	var hosts strings.Builder
	for i, n := range l.names {
		fmt.Fprintf(&hosts, "      - {name: %s, address: %s}\n", n, l.addrs[i])
	}
	inv := fmt.Sprintf(`app:
  name: hello
  units: [hello.service]
  keep: 3
  health:
    min_healthy_time: %s
    healthy_deadline: %s
    interval: 250ms
    checks:
      - http: {url: "http://127.0.0.1:%s/healthz", status: 200}
%sssh:
  user: %s
  identity_files: [%s]
  known_hosts: %s
  config: none%s
strategy:
%sgroups:
  - name: lab
    hosts:
%s`, o.minHealthyTime, o.deadline, o.port, o.appExtra, o.user, filepath.Join(l.dir, "id_ed25519"), o.knownHosts, sshExtra(o), o.strategy, hosts.String())
	path := filepath.Join(t.TempDir(), "fleet.yaml")
	if err := os.WriteFile(path, []byte(inv), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// resetHosts gives every host a clean slate: no hello release, the unit
// file installed (as a user's configuration management would) and stopped.
func (l *lab) resetHosts(t *testing.T) {
	t.Helper()
	unit, err := os.ReadFile(filepath.Join(l.repo, "examples", "hello", "hello.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range l.names {
		l.ssh(t, h, "systemctl stop hello.service 2>/dev/null; systemctl reset-failed hello.service 2>/dev/null; rm -rf /opt/hello; true")
		// A one-second warm-up makes every restart a visible outage, so the
		// prober can tell one host down from two.
		c := fmt.Sprintf("cat > /etc/systemd/system/hello.service <<'UNIT'\n%sUNIT\n"+
			"mkdir -p /etc/systemd/system/hello.service.d && "+
			"printf '[Service]\\nEnvironment=HELLO_WARMUP=1s\\n' > /etc/systemd/system/hello.service.d/warmup.conf && "+
			"systemctl daemon-reload", unit)
		l.ssh(t, h, c)
	}
}

// hostState is what a host really runs, observed without fleet.
type hostState struct {
	current string // release the current symlink points to
	active  string // systemctl is-active
	pid     string // MainPID
	version string // what /healthz reports, asked from the controller
}

func (l *lab) state(t *testing.T, i int) hostState {
	t.Helper()
	h := l.names[i]
	target, _ := l.trySSH(h, "readlink /opt/hello/current")
	s := hostState{
		current: strings.TrimPrefix(strings.TrimSpace(target), "releases/"),
		active:  strings.TrimSpace(must(l.trySSH(h, "systemctl is-active hello.service"))),
		pid:     l.ssh(t, h, "systemctl show -p MainPID --value hello.service"),
	}
	s.version, _ = healthzVersion(l.addrs[i])
	return s
}

func must(s string, _ error) string { return s }

func healthzVersion(addr string) (string, error) {
	return healthzVersionPort(addr, "8080")
}

func healthzVersionPort(addr, port string) (string, error) {
	c := http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil}}
	resp, err := c.Get("http://" + addr + ":" + port + "/healthz")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("healthz: %s", resp.Status)
	}
	var v struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return "", err
	}
	return v.Version, nil
}

// assertAllOn checks every host, on the host itself, runs version.
func (l *lab) assertAllOn(t *testing.T, version string) {
	t.Helper()
	for i, h := range l.names {
		s := l.state(t, i)
		if s.current != version || s.active != "active" || s.version != version {
			t.Errorf("%s: current=%q unit=%q /healthz=%q, want %s everywhere", h, s.current, s.active, s.version, version)
		}
	}
}

// journal returns the host's fleet journal entries.
func (l *lab) journal(t *testing.T, host string) []map[string]any {
	t.Helper()
	return parseEvents(l.ssh(t, host, "cat /opt/hello/.fleet/journal.jsonl"))
}

func sshExtra(o inventoryOptions) string {
	out := jumpLine(o.jump)
	if o.keepalive != "" {
		out += "\n  keepalive: " + o.keepalive
	}
	if o.sudo {
		out += "\n  sudo: true"
	}
	return out
}

func jumpLine(jump string) string {
	if jump == "" {
		return ""
	}
	return "\n  jump: " + jump
}
