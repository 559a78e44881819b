package hostsim_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/hostsim"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/transport"
)

// The commands below have the shape cmd/fleet sends (agentinstall.go,
// session.go); cmd/fleet's own tests run the real ones against hostsim.
func verifyCmd(sum string) string {
	return fmt.Sprintf(`printf '%%s  %%s\n' %s .fleet/bin/fleet-%s | sha256sum --status -c -`, sum, sum)
}

func startCmd(sum string) string {
	return verifyCmd(sum) + " || exit 97; exec .fleet/bin/fleet-" + sum + " agent serve"
}

func sha(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// TestFleet_RolloutEndToEnd drives a rollout of v1 to three hosts the way
// the controller does, from the inventory WriteInventory wrote: install
// the agent, start it, and stage, switch, restart and gate each host.
func TestFleet_RolloutEndToEnd(t *testing.T) {
	f := hostsim.New(t, 3, hostsim.Options{
		Unhealthy: func(_, version string) bool { return version == "bad" },
	})
	inv, err := inventory.Load(f.WriteInventory(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Hosts) != 3 {
		t.Fatalf("inventory has %d hosts, want 3", len(inv.Hosts))
	}
	agentBin := []byte("#!/bin/false\nnot really fleet\n")
	release := []byte("hello v1\n")
	ctx := t.Context()
	for i, h := range inv.Hosts {
		sim := f.Host(i)
		if sim.Name() != h.Name {
			t.Fatalf("host %d: inventory %s, sim %s", i, h.Name, sim.Name())
		}
		c, err := transport.Dial(ctx, h.Address, transport.Config{
			User: h.SSH.User, Port: h.SSH.Port, IdentityFiles: h.SSH.IdentityFiles,
			KnownHostsFile: h.SSH.KnownHosts, SSHConfigFile: h.SSH.Config, Jump: h.SSH.Jump,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		installAgent(t, c, agentBin)
		rollout(t, c, appSpec(inv.App), sha(agentBin), "v1", release)

		if got := sim.Current(); got != "v1" {
			t.Errorf("%s: current %q, want v1", sim.Name(), got)
		}
		if got := sim.Restarts(); got != 1 {
			t.Errorf("%s: %d restarts, want 1", sim.Name(), got)
		}
		bin, err := os.ReadFile(filepath.Join(sim.AppRoot(), "releases", "v1", "hello"))
		if err != nil || !bytes.Equal(bin, release) {
			t.Errorf("%s: release binary %q, %v", sim.Name(), bin, err)
		}
		if ops := journalOps(sim.JournalEntries(t)); ops != "lock stage_commit switch restart health" {
			t.Errorf("%s: journal ops %q", sim.Name(), ops)
		}
		if sim.Handshakes() != 1 {
			t.Errorf("%s: %d handshakes, want 1", sim.Name(), sim.Handshakes())
		}
	}
	if _, err := os.Stat(filepath.Dir(inv.App.Root)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the inventory's (unmapped) app root was used: %v", err)
	}
}

func installAgent(t *testing.T, c *transport.Client, bin []byte) {
	t.Helper()
	ctx := t.Context()
	var out bytes.Buffer
	if err := c.Run(ctx, "uname -m", nil, &out, nil); err != nil || out.String() != "x86_64\n" {
		t.Fatalf("uname -m: %q, %v", out.String(), err)
	}
	sum := sha(bin)
	if code := exitCode(c.Run(ctx, verifyCmd(sum), nil, nil, nil)); code != 1 {
		t.Fatalf("verify before upload: exit %d, want 1", code)
	}
	// A file of the wrong content at the agent's path fails both checks.
	sc, err := c.SFTP()
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.MkdirAll(".fleet/bin"); err != nil {
		t.Fatal(err)
	}
	path := ".fleet/bin/fleet-" + sum
	if _, err := c.Upload(ctx, path, bytes.NewReader([]byte("tampered")), 0o755, nil); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(c.Run(ctx, verifyCmd(sum), nil, nil, nil)); code != 1 {
		t.Fatalf("verify of a tampered agent: exit %d, want 1", code)
	}
	if code := exitCode(c.Run(ctx, startCmd(sum), nil, nil, nil)); code != 97 {
		t.Fatalf("start of a tampered agent: exit %d, want 97", code)
	}
	if _, err := c.Upload(ctx, path, bytes.NewReader(bin), 0o755, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Run(ctx, verifyCmd(sum), nil, nil, nil); err != nil {
		t.Fatalf("verify after upload: %v", err)
	}
	if code := exitCode(c.Run(ctx, "rm -rf /", nil, nil, nil)); code != 127 {
		t.Fatalf("unknown command: exit %d, want 127", code)
	}
}

func rollout(t *testing.T, c *transport.Client, spec appspec.Spec, agentSum, version string, release []byte) {
	t.Helper()
	ctx := t.Context()
	proc, err := c.Start(ctx, startCmd(agentSum))
	if err != nil {
		t.Fatal(err)
	}
	defer proc.Close()
	go func() { _, _ = io.Copy(io.Discard, proc.Stderr) }()
	ac := agent.NewClient(proc.Stdin, proc.Stdout)
	defer ac.Close()
	hello, err := ac.Hello(ctx, agent.HelloArgs{App: spec, Controller: agent.Holder{
		User: "tester", Machine: "ctl", PID: 1, Command: "test", RolloutID: "r1",
	}})
	if err != nil {
		t.Fatal(err)
	}
	if hello.AgentVersion != "sim" || hello.Arch != "amd64" {
		t.Errorf("hello: %+v", hello)
	}
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, err = ac.Lock(ctx)
	step("lock", err)
	begin, err := ac.StageBegin(ctx, agent.StageBeginArgs{Version: version, SHA256: sha(release), Size: int64(len(release))})
	step("stage_begin", err)
	// The agent names the paths the controller knows; SFTP maps them.
	if dir := filepath.Join(spec.Root, ".incoming"); filepath.Dir(begin.UploadPath) != dir {
		t.Errorf("upload path %s, want one in %s", begin.UploadPath, dir)
	}
	_, err = c.Upload(ctx, begin.UploadPath, bytes.NewReader(release), 0o600, nil)
	step("upload", err)
	_, err = ac.StageCommit(ctx, agent.StageCommitArgs{Version: version, SHA256: sha(release), UploadPath: begin.UploadPath})
	step("stage_commit", err)
	_, err = ac.Switch(ctx, agent.SwitchArgs{Version: version})
	step("switch", err)
	_, err = ac.Restart(ctx, agent.RestartArgs{})
	step("restart", err)
	_, err = ac.Health(ctx, agent.HealthArgs{}, nil)
	step("health", err)
}

// appSpec is the inventory's spec without Consul and slots, its checks
// reduced to the HTTP check's URL and body.
func appSpec(a inventory.App) appspec.Spec {
	spec := a.Spec
	spec.Consul, spec.Slots, spec.Health.Checks = nil, nil, nil
	for _, c := range a.Health.Checks {
		spec.Health.Checks = append(spec.Health.Checks, appspec.Check{HTTP: &appspec.HTTPCheck{URL: c.HTTP.URL, Body: c.HTTP.Body}})
	}
	return spec
}

func exitCode(err error) int {
	var ee *transport.ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if err != nil {
		return -1
	}
	return 0
}

func journalOps(entries []agent.JournalEntry) string {
	var b bytes.Buffer
	for i, e := range entries {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(string(e.Op))
	}
	return b.String()
}

// TestHost_UnhealthyVersion checks the health endpoint follows the current
// symlink and the Unhealthy hook.
func TestHost_UnhealthyVersion(t *testing.T) {
	f := hostsim.New(t, 1, hostsim.Options{
		Unhealthy: func(host, version string) bool { return host == "sim1" && version == "bad" },
	})
	h := f.Host(0)
	if err := os.MkdirAll(filepath.Join(h.AppRoot(), "releases", "bad"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("releases/bad", filepath.Join(h.AppRoot(), "current")); err != nil {
		t.Fatal(err)
	}
	if h.Current() != "bad" || fmt.Sprint(h.Releases()) != "[bad]" {
		t.Fatalf("current %q, releases %v", h.Current(), h.Releases())
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res := probe(ctx, t, f)
	if res.OK || !strings.Contains(res.Reason, "status 500") {
		t.Errorf("health check of the bad version: %+v, want a 500 from the host's health server", res)
	}
	// The check reached the host's server without its URL changing.
	if want := "http GET http://127.0.0.1:9/healthz"; res.Check != want {
		t.Errorf("check %q, want %q", res.Check, want)
	}
}

// probe runs one health round for sim1 through a real agent session.
func probe(ctx context.Context, t *testing.T, f *hostsim.Fleet) agent.CheckResult {
	t.Helper()
	inv, err := inventory.Load(f.WriteInventory(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	h := inv.Hosts[0]
	c, err := transport.Dial(ctx, h.Address, transport.Config{
		User: h.SSH.User, Port: h.SSH.Port, IdentityFiles: h.SSH.IdentityFiles,
		KnownHostsFile: h.SSH.KnownHosts, SSHConfigFile: h.SSH.Config, Jump: h.SSH.Jump,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	bin := []byte("agent")
	installAgent(t, c, bin)
	proc, err := c.Start(ctx, startCmd(sha(bin)))
	if err != nil {
		t.Fatal(err)
	}
	defer proc.Close()
	go func() { _, _ = io.Copy(io.Discard, proc.Stderr) }()
	ac := agent.NewClient(proc.Stdin, proc.Stdout)
	defer ac.Close()
	spec := appSpec(inv.App)
	spec.Health.MinHealthyTime = appspec.Duration(50 * time.Millisecond)
	spec.Health.Deadline = appspec.Duration(150 * time.Millisecond)
	if _, err := ac.Hello(ctx, agent.HelloArgs{App: spec, Controller: agent.Holder{User: "u", Machine: "m", PID: 1, Command: "c"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ac.Lock(ctx); err != nil {
		t.Fatal(err)
	}
	var last agent.CheckResult
	_, err = ac.Health(ctx, agent.HealthArgs{}, func(ev agent.Event) {
		if ev.Health != nil && len(ev.Health.Checks) > 0 {
			last = ev.Health.Checks[0]
		}
	})
	if !errors.Is(err, agent.CodeUnhealthy) {
		t.Errorf("health: %v, want unhealthy", err)
	}
	return last
}
