//go:build e2e

// Package e2e drives the fleet binary against the lab's real hosts
// (systemd-nspawn containers with sshd, systemd and a Consul agent each) and
// asserts on the hosts themselves, through OpenSSH, not only on fleet's own
// output.
package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lab is the running lab, as described by the files under .lab/.
type lab struct {
	repo      string
	dir       string
	names     []string // lab1…labN
	addrs     []string
	sshConfig string
	bin       string // fleet binary under test
	hello     map[string]string
}

var theLab *lab

func TestMain(m *testing.M) {
	l, err := openLab()
	if err != nil {
		if os.Getenv("CI") == "true" || os.Getenv("FLEET_E2E") == "1" {
			fmt.Fprintln(os.Stderr, "e2e: the lab is required but missing:", err)
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, "e2e: skipping, no lab:", err)
		os.Exit(0)
	}
	tmp, err := os.MkdirTemp("", "fleet-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := l.build(tmp); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: build:", err)
		os.Exit(1)
	}
	theLab = l
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "cmd", "fleet")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("repository root not found")
		}
		dir = parent
	}
}

// openLab reads .lab/ and checks, before any packet is sent, that the lab's
// bridge exists and every host address lies inside its subnet: a missing lab
// must never send traffic down the machine's default route.
func openLab() (*lab, error) {
	repo, err := repoRoot()
	if err != nil {
		return nil, err
	}
	l := &lab{repo: repo, dir: filepath.Join(repo, ".lab"), hello: map[string]string{}}
	data, err := os.ReadFile(filepath.Join(l.dir, "hosts"))
	if err != nil {
		return nil, err
	}
	for i, a := range strings.Fields(string(data)) {
		l.addrs = append(l.addrs, a)
		l.names = append(l.names, fmt.Sprintf("lab%d", i+1))
	}
	if len(l.addrs) < 3 {
		return nil, fmt.Errorf("need 3+ lab hosts, have %d", len(l.addrs))
	}
	l.sshConfig = filepath.Join(l.dir, "ssh_config")
	return l, checkLabNet(l.addrs)
}

func checkLabNet(addrs []string) error {
	ifc, err := net.InterfaceByName("fleetbr0")
	if err != nil {
		return fmt.Errorf("lab bridge: %w", err)
	}
	ifAddrs, err := ifc.Addrs()
	if err != nil {
		return err
	}
	for _, a := range addrs {
		ip := net.ParseIP(a)
		inside := false
		for _, ia := range ifAddrs {
			if n, ok := ia.(*net.IPNet); ok && n.Contains(ip) {
				inside = true
			}
		}
		if !inside {
			return fmt.Errorf("host %s is not on the lab bridge", a)
		}
	}
	return nil
}

func (l *lab) build(dir string) error {
	l.bin = filepath.Join(dir, "fleet")
	if err := goBuild(l.repo, l.bin, "./cmd/fleet", "-X main.version=e2e"); err != nil {
		return err
	}
	// hello is built exactly as `make hello` builds it, so v1 and v2 are the
	// same bytes as `make demo`'s: the demo then works on a lab these tests
	// used, instead of meeting a version_conflict.
	for _, v := range []struct{ name, broken string }{{"v1", ""}, {"v2", ""}, {"v3", ""}, {"v4", ""}, {"v5", ""}, {"bad", "unhealthy"}, {"flap", "flap"}, {"errors", "errors"}, {"slow", "slow"}} {
		out := filepath.Join(dir, "hello-"+v.name)
		if err := goBuild(l.repo, out, "./examples/hello", "-s -w -X main.version="+v.name+" -X main.broken="+v.broken); err != nil {
			return err
		}
		l.hello[v.name] = out
	}
	return nil
}

func goBuild(repo, out, pkg, ldflags string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", out, pkg)
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return nil
}

// ssh runs a command on a lab host with OpenSSH (strict host keys, from
// .lab/ssh_config): an observer independent of fleet's own transport.
func (l *lab) ssh(t *testing.T, host, cmd string) string {
	t.Helper()
	out, err := l.trySSH(host, cmd)
	if err != nil {
		t.Fatalf("ssh %s %q: %v\n%s", host, cmd, err, out)
	}
	return strings.TrimSpace(out)
}

func (l *lab) trySSH(host, cmd string) (string, error) {
	c := exec.Command("ssh", "-F", l.sshConfig, "-o", "BatchMode=yes", host, cmd)
	var b bytes.Buffer
	c.Stdout, c.Stderr = &b, &b
	err := c.Run()
	return b.String(), err
}

// run is one fleet invocation's outcome.
type run struct {
	code   int
	stdout string
	stderr string
	events []map[string]any
}

func (l *lab) fleet(t *testing.T, args ...string) run {
	t.Helper()
	return l.fleetIn(t, "", args...)
}

// fleetIn is l.fleet run in dir ("" the test's own), where fleet reads
// the changelog (git log).
func (l *lab) fleetIn(t *testing.T, dir string, args ...string) run {
	t.Helper()
	cmd := exec.Command(l.bin, args...)
	cmd.Dir = dir
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	r := run{stdout: so.String(), stderr: se.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("fleet %v: %v", args, err)
	}
	r.events = parseEvents(r.stdout)
	t.Logf("fleet %s → exit %d\nstderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
	return r
}

func parseEvents(out string) []map[string]any {
	var evs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			evs = append(evs, m)
		}
	}
	return evs
}

// eventsOf returns the events of one kind (and step, when given).
func (r run) eventsOf(kind, step string) []map[string]any {
	var out []map[string]any
	for _, e := range r.events {
		if e["kind"] == kind && (step == "" || e["step"] == step) {
			out = append(out, e)
		}
	}
	return out
}

// waitFor polls cond every 100 ms until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
