package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The lab benchmarks use an app of their own, so that they never touch
// what the end-to-end tests deploy (/opt/hello, hello.service) on the
// same hosts.
const (
	labApp     = "fleetbench"
	labRoot    = "/opt/" + labApp
	labUnit    = labApp + ".service"
	labScratch = labRoot + "/.bench" // where the raw upload comparisons write
)

// lab is the running lab (e2e/lab/lab.sh up), as .lab/ describes it.
type lab struct {
	dir        string   // .lab
	names      []string // lab1, lab2, …
	addrs      []string // their addresses
	key        string
	knownHosts string
	sshConfig  string
}

// openLab skips the benchmark when the lab is not up: these numbers need
// real sshd hosts, and nothing else stands in for them. The lab is
// $FLEET_LAB_DIR (as .lab/env exports it), else the repository's .lab.
func openLab(b *testing.B) *lab {
	b.Helper()
	dir := os.Getenv("FLEET_LAB_DIR")
	if dir == "" {
		dir = "../.lab"
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		b.Fatal(err)
	}
	addrs, err := readLines(filepath.Join(dir, "hosts"))
	if err != nil || len(addrs) == 0 {
		b.Skipf("lab is not up (%s/hosts: %v): run e2e/lab/lab.sh up", dir, err)
	}
	l := &lab{
		dir: dir, addrs: addrs,
		key:        filepath.Join(dir, "id_ed25519"),
		knownHosts: filepath.Join(dir, "known_hosts"),
		sshConfig:  filepath.Join(dir, "ssh_config"),
	}
	for i, a := range addrs {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(a, "22"), 2*time.Second)
		if err != nil {
			b.Skipf("lab is not up: %s: %v", a, err)
		}
		_ = c.Close()
		l.names = append(l.names, fmt.Sprintf("lab%d", i+1))
	}
	return l
}

func readLines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var lines []string
	for l := range strings.Lines(string(data)) {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return lines, nil
}

// ssh runs cmd on host (lab1, …) with OpenSSH.
func (l *lab) ssh(ctx context.Context, host, cmd string) (string, error) {
	out, err := exec.CommandContext(ctx, "ssh", "-F", l.sshConfig, host, cmd).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("ssh %s %q: %w: %s", host, cmd, err, out)
	}
	return string(out), nil
}

// ensureUnit makes fleetbench.service exist on every host: a transient
// oneshot unit whose start takes restart (sleep), so that a restart job
// takes that long, as for a service that is slow to start.
func (l *lab) ensureUnit(ctx context.Context, b *testing.B, restart time.Duration) {
	b.Helper()
	cmd := fmt.Sprintf("systemctl stop %[1]s 2>/dev/null; systemctl reset-failed %[1]s 2>/dev/null; "+
		"systemd-run --quiet --unit=%[1]s --property=Type=oneshot --property=RemainAfterExit=yes /bin/sleep %.3[2]f && "+
		"mkdir -p %[3]s", labUnit, restart.Seconds(), labScratch)
	for _, h := range l.names {
		if _, err := l.ssh(ctx, h, cmd); err != nil {
			b.Fatal(err)
		}
	}
}

// proxy forwards 127.0.0.1 ports to the lab's sshd and counts what the
// controller sends through it.
type proxy struct {
	ln   []net.Listener
	sent atomic.Int64
	wg   sync.WaitGroup
}

func startProxy(b *testing.B, targets []string) *proxy {
	b.Helper()
	p := &proxy{}
	for _, t := range targets {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		p.ln = append(p.ln, ln)
		p.wg.Go(func() { p.serve(ln, net.JoinHostPort(t, "22")) })
	}
	b.Cleanup(p.close)
	return p
}

func (p *proxy) serve(ln net.Listener, target string) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		p.wg.Go(func() {
			defer c.Close()
			up, err := net.Dial("tcp", target)
			if err != nil {
				return
			}
			defer up.Close()
			done := make(chan struct{})
			go func() {
				n, _ := io.Copy(up, c)
				p.sent.Add(n)
				_ = up.(*net.TCPConn).CloseWrite()
				close(done)
			}()
			_, _ = io.Copy(c, up)
			_ = c.Close()
			<-done
		})
	}
}

func (p *proxy) port(i int) int { return p.ln[i].Addr().(*net.TCPAddr).Port }

func (p *proxy) close() {
	for _, ln := range p.ln {
		_ = ln.Close()
	}
	p.wg.Wait()
}

// proxiedKnownHosts writes a known_hosts that holds each lab host's own
// recorded keys under the proxy's address for it: host keys are still
// checked strictly, against the real hosts' keys.
func (l *lab) proxiedKnownHosts(b *testing.B, p *proxy) string {
	b.Helper()
	f, err := os.Open(l.knownHosts)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var out strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		host, rest, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		for i, a := range l.addrs {
			if host == a {
				fmt.Fprintf(&out, "[127.0.0.1]:%d %s\n", p.port(i), rest)
			}
		}
	}
	path := filepath.Join(b.TempDir(), "known_hosts")
	if err := os.WriteFile(path, []byte(out.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

// labInventory is the fleetbench app on the lab hosts, reached through p.
// Its health gate is one round of a command check that takes health.
func (l *lab) labInventory(b *testing.B, p *proxy, health time.Duration, maxUnavailable string) string {
	b.Helper()
	var hosts strings.Builder
	for i, name := range l.names {
		fmt.Fprintf(&hosts, "      - {name: %s, address: 127.0.0.1, ssh: {port: %d}}\n", name, p.port(i))
	}
	inv := fmt.Sprintf(`app:
  name: %[1]s
  binary: %[1]s
  root: %[2]s
  units: [%[3]s]
  keep: 3
  health:
    min_healthy_time: 0s
    healthy_deadline: 60s
    interval: 100ms
    checks:
      - command: {argv: ["/bin/sleep", "%.3[4]f"], timeout: 30s}
ssh:
  user: root
  identity_files: [%[5]q]
  known_hosts: %[6]q
  host_key_check: strict
  config: none
strategy:
  max_unavailable: %[7]s
groups:
  - name: lab
    hosts:
%[8]s`, labApp, labRoot, labUnit, health.Seconds(), l.key, l.proxiedKnownHosts(b, p), maxUnavailable, hosts.String())
	path := filepath.Join(b.TempDir(), "fleet.yaml")
	if err := os.WriteFile(path, []byte(inv), 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}
