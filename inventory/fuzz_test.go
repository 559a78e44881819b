package inventory

import (
	"errors"
	"os"
	"testing"

	"github.com/fleetdeploy/fleet/analysis"
	"github.com/fleetdeploy/fleet/appspec"
)

// FuzzParse: no input may panic, and the result is either an inventory
// that upholds what Parse promises or Errors with positions and messages.
// Seeds live in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	example, err := os.ReadFile("testdata/fleet.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	if gray, err := os.ReadFile("../examples/gray-release/fleet.yaml"); err == nil {
		f.Add(gray)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Parse("fleet.yaml", data)
		if err != nil {
			checkErrors(t, err)
			return
		}
		checkInventory(t, inv)
	})
}

func checkErrors(t *testing.T, err error) {
	var errs Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("error is %T %v, want non-empty Errors", err, err)
	}
	for _, e := range errs {
		if e == nil || e.File != "fleet.yaml" || e.Msg == "" || e.Line < 0 || e.Column < 0 {
			t.Fatalf("malformed FieldError %+v", e)
		}
	}
	_ = err.Error()
}

func checkInventory(t *testing.T, inv *Inventory) {
	if err := appspec.Name(inv.App.Name); err != nil {
		t.Fatalf("accepted app name %q: %v", inv.App.Name, err)
	}
	if err := appspec.Root(inv.App.Root); err != nil {
		t.Fatalf("accepted root %q: %v", inv.App.Root, err)
	}
	if appspec.Binary(inv.App.Binary) != nil || appspec.Keep(inv.App.Keep) != nil || len(inv.App.Units) == 0 {
		t.Fatalf("accepted app %+v", inv.App)
	}
	if h := inv.App.Health; h.MinHealthyTime >= h.Deadline || h.Interval <= 0 {
		t.Fatalf("accepted health %+v", h)
	}
	if err := inv.App.Gate(); err != nil {
		t.Fatalf("accepted a gate that cannot fail: %v", err)
	}
	for _, c := range inv.App.Health.Checks {
		n := 0
		for _, set := range []bool{c.HTTP != nil, c.TCP != nil, c.Command != nil, c.Systemd != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("accepted check with %d kinds: %+v", n, c)
		}
	}
	checkConsul(t, inv.App.Consul, inv.App.Slots, inv.App.Health)
	checkSlots(t, inv.App.Slots)
	checkSteps(t, inv)
	if s := inv.Strategy; (s.BlueGreen && inv.App.Slots == nil) || validAmount(s.Canary) != nil ||
		(isZeroAmount(s.Canary) && (s.CanaryBake != 0 || s.PauseAfterCanary)) {
		t.Fatalf("accepted strategy %+v with slots %+v", s, inv.App.Slots)
	}
	if len(inv.Hosts) == 0 {
		t.Fatal("accepted an inventory without hosts")
	}
	seen := map[string]bool{}
	for _, h := range inv.Hosts {
		if appspec.Name(h.Name) != nil || validAddress(h.Address) != nil || seen[h.Name] {
			t.Fatalf("accepted host %+v", h)
		}
		seen[h.Name] = true
		if h.Slots && inv.App.Slots == nil {
			t.Fatalf("host %s runs slots the app does not have", h.Name)
		}
		ports := inv.App.InstancePorts(h)
		if inv.App.Consul != nil && len(ports) == 0 {
			t.Fatalf("host %s has no port to register with Consul", h.Name)
		}
		for _, c := range inv.App.Health.Checks {
			if usesPort(c) && len(ports) == 0 {
				t.Fatalf("host %s cannot resolve %s in %+v", h.Name, appspec.PortPlaceholder, c)
			}
		}
	}
	if hosts, err := inv.Select("", ""); err != nil || len(hosts) != len(inv.Hosts) {
		t.Fatalf("Select all = %d hosts, %v; want %d", len(hosts), err, len(inv.Hosts))
	}
}

func usesPort(c appspec.Check) bool {
	return (c.HTTP != nil && appspec.UsesPort(c.HTTP.URL)) || (c.TCP != nil && appspec.UsesPort(c.TCP.Address))
}

func checkConsul(t *testing.T, c *appspec.Consul, slots *appspec.Slots, h appspec.Health) {
	if c == nil {
		return
	}
	if appspec.ServiceName(c.Service) != nil || appspec.HostPort(c.Address) != nil || (c.TokenEnv != "" && c.TokenFile != "") ||
		c.Meta == nil || c.Drain < 0 || appspec.DeregisterAfter(c.DeregisterCriticalAfter.Std(), h.Deadline.Std()) != nil ||
		(c.Port == 0 && slots == nil) || (c.Port != 0 && appspec.Port(c.Port) != nil) {
		t.Fatalf("accepted consul %+v", c)
	}
	for k, v := range c.Meta {
		if appspec.MetaKey(k) != nil || appspec.MetaValue(v) != nil {
			t.Fatalf("accepted meta %q: %q", k, v)
		}
	}
	for _, ch := range c.Checks {
		if (ch.HTTP == "") == (ch.TCP == "") || ch.Interval.Std() < minConsulInterval || ch.Timeout <= 0 {
			t.Fatalf("accepted consul check %+v", ch)
		}
	}
}

func checkSlots(t *testing.T, s *appspec.Slots) {
	if s == nil {
		return
	}
	if appspec.TemplateUnit(s.Unit) != nil || len(s.Instances) != appspec.SlotCount {
		t.Fatalf("accepted slots %+v", s)
	}
	a, b := s.Instances[0], s.Instances[1]
	if a.Name == b.Name || a.Port == b.Port || appspec.Port(a.Port) != nil || appspec.Port(b.Port) != nil ||
		appspec.SlotName(a.Name) != nil || appspec.SlotName(b.Name) != nil ||
		appspec.Unit(s.UnitOf(a.Name)) != nil || appspec.Unit(s.UnitOf(b.Name)) != nil {
		t.Fatalf("accepted slots %+v", s)
	}
}

// checkSteps: what loads is a gray release the engine can run: Consul and
// a canary, weights going up to a final 100%, analyses analysis.Validate
// accepts, and app.analysis's templates likewise.
func checkSteps(t *testing.T, inv *Inventory) {
	if a := inv.App.Analysis; a != nil {
		if analysis.ValidAddress(a.Prometheus.Address) != nil || a.Prometheus.Timeout <= 0 {
			t.Fatalf("accepted prometheus %+v", a.Prometheus)
		}
		for _, tmpl := range a.Templates {
			if err := tmpl.Spec.Validate(); err != nil {
				t.Fatalf("accepted template %s: %v", tmpl.Name, err)
			}
		}
	}
	if ca := inv.Strategy.CanaryAnalysis; ca != nil && (isZeroAmount(inv.Strategy.Canary) || inv.Strategy.Steps != nil || ca.Spec.Validate() != nil) {
		t.Fatalf("accepted canary_analysis %+v with strategy %+v", ca, inv.Strategy)
	}
	steps := inv.Strategy.Steps
	if len(steps) == 0 {
		return
	}
	if inv.App.Consul == nil || isZeroAmount(inv.Strategy.Canary) || inv.Strategy.BlueGreen || steps[0].Kind != StepWeight {
		t.Fatalf("accepted steps %+v with strategy %+v", steps, inv.Strategy)
	}
	last := 0.0
	for _, s := range steps {
		switch s.Kind {
		case StepWeight:
			if s.Weight <= last || s.Weight > 100 {
				t.Fatalf("accepted weights %+v", steps)
			}
			last = s.Weight
		case StepAnalysis:
			if s.Analysis == nil || s.Analysis.Spec.Validate() != nil {
				t.Fatalf("accepted analysis step %+v", s)
			}
		case StepPause:
			if s.Pause < 0 {
				t.Fatalf("accepted pause %+v", s)
			}
		default:
			t.Fatalf("step of unknown kind %+v", s)
		}
	}
	if last != 100 {
		t.Fatalf("steps end at %v%%, not 100%%", last)
	}
}
