package inventory

import (
	"github.com/fleetdeploy/fleet/appspec"
	"go.yaml.in/yaml/v3"
)

// App is what gets deployed and how it is judged healthy: the app spec
// the agent gets in hello, decoded field by field with its defaults
// (binary: the name; root: /opt/<name>; units: [<name>.service]; keep:
// 5; health and consul: see there), and what only the controller uses.
// Parse refuses a health gate that could never fail (Spec.Gate).
type App struct {
	appspec.Spec
	// Analysis is where Prometheus is and the analyses strategy.steps
	// run; nil when the file has none.
	Analysis *Analysis
}

const defaultKeep = 5

var appFields = []string{"name", "binary", "root", "units", "keep", "health", "consul", "slots", "analysis", "shared", "env_file", "max_unpacked_mib", "hooks"}

// app decodes the app section; parent locates errors when it is missing.
// It also returns what app.slots asks of the host entries.
func (d *decoder) app(n, parent *yaml.Node, a at) (App, slotRules) {
	f := d.fields(n, a, appFields...)
	app := App{Spec: appspec.Spec{Keep: defaultKeep}}
	name := optional(d, f, "name", a, d.str, appspec.Name)
	if _, ok := f["name"]; !ok {
		d.errorf(orAt(n, parent), a.key("name"), "is required")
	}
	if name != nil {
		// Defaults derive from the name only when it is valid, so one bad
		// name is one error, not four.
		app.Name = *name
		app.Binary = *name
		app.Root = "/opt/" + *name
		app.Units = []string{*name + ".service"}
		d.nameDefaults(f, a, app)
	}
	setIf(&app.Binary, optional(d, f, "binary", a, d.str, appspec.Binary))
	setIf(&app.Root, optional(d, f, "root", a, d.str, appspec.Root))
	setIf(&app.Keep, optional(d, f, "keep", a, d.integer, appspec.Keep))
	if un, ok := f["units"]; ok {
		if units, ok := d.units(un, a.key("units")); ok {
			app.Units = units
		}
	}
	d.files(f, a, &app)
	if hn, ok := f["hooks"]; ok {
		app.Hooks = d.hooks(hn, a.key("hooks"))
	}
	if an, ok := f["analysis"]; ok {
		app.Analysis = d.analysisBlock(an, a.key("analysis"))
	}
	before := len(d.errs)
	portBroken := d.instances(f, a, &app)
	app.Health = d.health(f["health"], orAt(n, parent), a.key("health"))
	if len(d.errs) == before {
		// Cross-checks of health and consul, once both decoded cleanly.
		d.gate(f, orAt(n, parent), a, app)
		d.deregisterAfter(f["consul"], a.key("consul"), app)
	}
	return app, d.slotRules(f, app, portBroken)
}

// nameDefaults checks what the app name gives the fields left out: a
// valid name can still be a binary or a unit name the agent refuses
// ("release.json", "a+b.service"). The root /opt/<name> always is valid.
func (d *decoder) nameDefaults(f map[string]*yaml.Node, a at, app App) {
	n := Deref(f["name"])
	if _, set := f["binary"]; !set {
		if err := appspec.Binary(app.Binary); err != nil {
			d.errorf(n, a.key("binary"), "defaults to the app name %q, which %s; set binary", app.Binary, err)
		}
	}
	if _, set := f["units"]; !set {
		if err := appspec.Unit(app.Units[0]); err != nil {
			d.errorf(n, a.key("units"), "defaults to [%s], which %s; set units", app.Units[0], err)
		}
	}
}

// gate refuses a health gate that could never fail (appspec.Gate): no
// health check, and no Consul gate with a Consul check to wait for. A
// rollout would pass any release, and a host whose agent then refuses to
// judge it would be left switched.
func (d *decoder) gate(f map[string]*yaml.Node, parent *yaml.Node, a at, app App) {
	err := app.Gate()
	if err == nil {
		return
	}
	hn := f["health"]
	d.errorf(orAt(lookup(hn, "checks"), orAt(hn, parent)), a.key("health").key("checks"), "%s", err)
}

// deregisterAfter refuses a consul.deregister_critical_after that lets
// Consul reap an instance while its health gate runs.
func (d *decoder) deregisterAfter(n *yaml.Node, a at, app App) {
	if app.Consul == nil {
		return
	}
	if err := appspec.DeregisterAfter(app.Consul.DeregisterCriticalAfter.Std(), app.Health.Deadline.Std()); err != nil {
		d.invalid(Deref(lookup(n, "deregister_critical_after")), a.key("deregister_critical_after"), err)
	}
}

// instances decodes app.slots and app.consul, which say where instances
// listen, and sets how appspec.PortPlaceholder in app.health resolves. It reports
// whether consul.port was written but is wrong.
func (d *decoder) instances(f map[string]*yaml.Node, a at, app *App) (portBroken bool) {
	sn, slotsSet := f["slots"]
	if slotsSet {
		app.Slots = d.slots(sn, a.key("slots"))
	}
	cn, consulSet := f["consul"]
	if consulSet {
		app.Consul, portBroken = d.consul(cn, a.key("consul"), app.Name, slotsSet)
	}
	switch {
	case slotsSet && app.Slots == nil:
		d.ports = portSkip // broken, and reported
	case slotsSet, consulSet && app.Consul != nil && app.Consul.Port != 0:
		d.ports = portOK
	case consulSet:
		d.ports = portSkip // broken, or consul.port is missing: reported
	default:
		d.ports = portMissing
	}
	return portBroken
}

// slotRules says what hosts opting out of slots must satisfy: with no
// slot port, they need app.consul.port whenever Consul or a health check
// needs an instance port.
func (d *decoder) slotRules(f map[string]*yaml.Node, app App, portBroken bool) slotRules {
	_, written := f["slots"]
	_, consulSet := f["consul"]
	r := slotRules{written: written, on: app.Slots != nil}
	switch {
	case !r.on || (consulSet && (app.Consul == nil || portBroken || app.Consul.Port != 0)):
		// Nobody opts out, the port is there, or its problem is reported.
	case consulSet:
		r.portless = "app.consul registers every instance at its port"
	case d.portUser != "":
		r.portless = d.portUser + " uses " + appspec.PortPlaceholder
	}
	return r
}

func (d *decoder) units(n *yaml.Node, a at) ([]string, bool) {
	items := d.seq(n, a)
	if len(items) == 0 {
		d.errorf(Deref(n), a, "must list at least one unit")
		return nil, false
	}
	units := make([]string, 0, len(items))
	seen := map[string]int{}
	ok := true
	for i, item := range items {
		u, good := d.str(item, a.index(i))
		if good {
			if err := appspec.Unit(u); err != nil {
				d.invalid(Deref(item), a.index(i), err)
				good = false
			} else if j, dup := seen[u]; dup {
				d.errorf(Deref(item), a.index(i), "duplicate unit %s (also units[%d])", u, j)
				good = false
			}
			seen[u] = i
		}
		units = append(units, u)
		ok = ok && good
	}
	return units, ok
}
