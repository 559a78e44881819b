package hostsim

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Health gate timing of the written inventory by default (see Options):
// quick, with a deadline (Options.HealthyDeadline, 5s by default) that
// leaves room for a loaded machine and the race detector.
const (
	MinHealthyTime         = 200 * time.Millisecond
	HealthInterval         = 50 * time.Millisecond
	DefaultHealthyDeadline = 5 * time.Second
)

// WriteInventory writes a fleet.yaml for every host of the fleet into a
// new temporary directory and returns its path. Next to it, known_hosts
// holds one line per host (Server().KnownHostsLine(), in host order); the
// identity file is ClientKeyFile; ssh_config and jump hosts are off. The
// app is "hello" with one unit, hello.service, and one HTTP health check
// (each host's agent reaches its own health server at that URL). extra is appended as
// is: top-level sections the file does not set, such as strategy.
func (f *Fleet) WriteInventory(t testing.TB, extra string) string {
	t.Helper()
	dir := t.TempDir()
	knownHosts := filepath.Join(dir, "known_hosts")
	var lines []string
	for _, h := range f.hosts {
		lines = append(lines, h.server.KnownHostsLine())
	}
	if err := os.WriteFile(knownHosts, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatalf("hostsim: write known_hosts: %v", err)
	}
	deadline := f.opts.HealthyDeadline
	if deadline <= 0 {
		deadline = DefaultHealthyDeadline
	}
	minHealthy := f.opts.MinHealthyTime
	switch {
	case minHealthy == 0:
		minHealthy = MinHealthyTime
	case minHealthy < 0:
		minHealthy = 0
	}
	interval := f.opts.HealthInterval
	if interval <= 0 {
		interval = HealthInterval
	}
	timeout := ""
	switch {
	case f.opts.CheckTimeout > 0:
		timeout = fmt.Sprintf(", timeout: %s", f.opts.CheckTimeout)
	case f.opts.HealthLatency > 0:
		timeout = fmt.Sprintf(", timeout: %s", f.opts.HealthLatency+time.Second)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `app:
  name: %s
  root: %s
  units: [%s]
  health:
    min_healthy_time: %s
    healthy_deadline: %s
    interval: %s
    checks:
      # Each host's agent dials its own health server for it.
      - http: {url: "http://127.0.0.1:9/healthz", body: "version"%s}
%sssh:
  user: fleet
  identity_files: [%q]
  known_hosts: %q
  config: none
  jump: none
  connect_timeout: 5s
groups:
  - name: sim
    hosts:
`, appName, f.virtualRoot, Unit, minHealthy, deadline, interval, timeout, f.consulSection(), f.keyFile, knownHosts)
	for _, h := range f.hosts {
		fmt.Fprintf(&b, "      - {name: %s, address: %s, ssh: {port: %d}}\n", h.name, h.address, h.server.Port())
	}
	b.WriteString(extra)
	path := filepath.Join(dir, "fleet.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatalf("hostsim: write inventory: %v", err)
	}
	return path
}

// consulSection is Options.AppExtra, and app.consul when Options.Consul
// asks for it.
func (f *Fleet) consulSection() string {
	s := f.opts.AppExtra
	if f.opts.Consul {
		s += "  consul: {service: hello, port: 8080, drain: 0s}\n"
	}
	return s
}
