package agent_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/agent/agenttest"
	"github.com/fleetdeploy/fleet/appspec"
)

// startWith runs Serve on deps (no hello) and returns its client.
func startWith(t *testing.T, deps agent.Deps) *agent.Client {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- agent.Serve(context.Background(), inR, outW, deps)
		_ = outW.Close()
	}()
	c := agent.NewClient(inW, outR)
	t.Cleanup(func() {
		_ = c.Close()
		_ = outR.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return c
}

// A healthy host: the unit runs the binary through current (here by a
// symlink), the root is root's (as the test's user sees it), Consul
// answers; check reads it all without hello and writes nothing.
func TestCheck_ReadsFactsWithoutHelloAndWritesNothing(t *testing.T) {
	h := newHost(t)
	h.consul = &appspec.Consul{Service: "app", Port: 8080}
	units := agenttest.NewInspectedUnits()
	want := filepath.Join(h.root, "current", testBinary)
	link := filepath.Join(t.TempDir(), "app-link")
	if err := os.Symlink(want, link); err != nil {
		t.Fatal(err)
	}
	units.SetFile(testUnit, agent.UnitFile{LoadState: "loaded", ExecStart: link, Fragment: "/etc/systemd/system/app.service"})
	deps := h.deps()
	deps.Units = units
	if err := os.MkdirAll(h.root, 0o755); err != nil {
		t.Fatal(err)
	}
	c := startWith(t, deps)

	got, err := c.Check(context.Background(), agent.CheckArgs{App: h.spec(), ReleaseSize: 1000})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if !got.Time.Equal(h.clock.Now()) || got.Arch != "amd64" || got.User != "root" {
		t.Errorf("time, arch, user = %v %q %q", got.Time, got.Arch, got.User)
	}
	r := got.Root
	if !r.Exists || !r.Dir || r.Mode != 0o755 || r.UID != os.Getuid() || r.Free <= 0 || r.Need != 1000+1<<20 || r.Error != "" {
		t.Errorf("root = %+v", r)
	}
	if len(got.Units) != 1 || !got.Units[0].Resolves || got.Units[0].Want != want || got.Units[0].ExecStart != link {
		t.Errorf("units = %+v", got.Units)
	}
	if got.Consul == nil || got.Consul.Error != "" || got.Consul.Address != appspec.DefaultConsulAddress {
		t.Errorf("consul = %+v", got.Consul)
	}
	entries, err := os.ReadDir(h.root)
	if err != nil || len(entries) != 0 {
		t.Errorf("check wrote under the root: %v %v", entries, err)
	}
	if calls := units.Calls(); len(calls) != 0 {
		t.Errorf("check called systemd: %v", calls)
	}
	if calls := h.registry.Calls(); len(calls) != 0 {
		t.Errorf("check changed Consul: %v", calls)
	}
}

// What a broken host reports: a unit that names a release directly (not
// through current), one systemd does not know, Consul down, a missing
// root (measured on its parent's file system).
func TestCheck_ReportsWhatIsWrong(t *testing.T) {
	h := newHost(t)
	h.consul = &appspec.Consul{Service: "app", Port: 8080}
	h.registry.SetDown(true)
	units := agenttest.NewInspectedUnits()
	units.SetFile(testUnit, agent.UnitFile{LoadState: "loaded", ExecStart: filepath.Join(h.root, "releases", "v1", testBinary),
		DropIns: []string{"/etc/systemd/system/app.service.d/pin.conf"}})
	deps := h.deps()
	deps.Units = units
	c := startWith(t, deps)
	spec := h.spec()
	spec.Units = append(spec.Units, "other.service")

	got, err := c.Check(context.Background(), agent.CheckArgs{App: spec})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if u := got.Units[0]; u.Resolves || len(u.DropIns) != 1 {
		t.Errorf("a unit pinned to releases/v1 resolves: %+v", u)
	}
	if u := got.Units[1]; u.LoadState != "not-found" || u.Resolves {
		t.Errorf("unknown unit: %+v", u)
	}
	if got.Consul == nil || got.Consul.Error == "" {
		t.Errorf("Consul down not reported: %+v", got.Consul)
	}
	if r := got.Root; r.Exists || r.Free <= 0 || r.Need != 0 || r.Error != "" {
		t.Errorf("missing root: %+v", r)
	}
	if _, err := os.Stat(h.root); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("check made the root: %v", err)
	}
}

// With slots, check reads each slot's instance of the template, which
// must run from that slot's current.
func TestCheck_SlotsReadInstanceUnits(t *testing.T) {
	h := newHost(t)
	h.slots = &appspec.Slots{Unit: "app@.service", Instances: []appspec.Slot{{Name: "blue", Port: 8081}, {Name: "green", Port: 8082}}}
	units := agenttest.NewInspectedUnits()
	for _, s := range []string{"blue", "green"} {
		units.SetFile("app@"+s+".service", agent.UnitFile{LoadState: "loaded",
			ExecStart: filepath.Join(h.root, "slots", s, "current", testBinary)})
	}
	deps := h.deps()
	deps.Units = units
	c := startWith(t, deps)
	got, err := c.Check(context.Background(), agent.CheckArgs{App: h.spec()})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if len(got.Units) != 2 || got.Units[0].Name != "app@blue.service" || !got.Units[0].Resolves || !got.Units[1].Resolves {
		t.Errorf("units = %+v", got.Units)
	}
}

// An agent whose UnitManager cannot read unit files says so per unit; a
// bad spec or protocol is refused.
func TestCheck_RefusalsAndLimits(t *testing.T) {
	h := newHost(t)
	c := h.start(t)
	got, err := c.c.Check(context.Background(), agent.CheckArgs{App: h.spec()})
	if err != nil || len(got.Units) != 1 || got.Units[0].Error == "" {
		t.Fatalf("Check without an inspector: %+v, %v", got.Units, err)
	}
	bad := h.spec()
	bad.Root = "relative"
	if _, err := c.c.Check(context.Background(), agent.CheckArgs{App: bad}); !errors.Is(err, agent.CodeBadRequest) {
		t.Errorf("bad spec: %v", err)
	}
	if _, err := c.c.Check(context.Background(), agent.CheckArgs{Protocol: 99, App: h.spec()}); !errors.Is(err, agent.CodeBadRequest) {
		t.Errorf("bad protocol: %v", err)
	}
}
