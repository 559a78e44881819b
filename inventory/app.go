package inventory

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// App is what gets deployed and how it is judged healthy.
type App struct {
	Name   string
	Binary string   // file name inside releases/<version>/; default Name
	Root   string   // absolute and clean; default /opt/<Name>
	Units  []string // systemd units restarted on switch; default [<Name>.service]
	Keep   int      // releases kept per host; default 5, at least 2
	Health Health
	Consul *Consul // nil: fleet does not touch Consul
	Slots  *Slots  // nil: one instance per host, run by Units
}

const (
	defaultKeep = 5
	// minKeep is two so the previous release survives prune and a
	// rollback never has to upload again.
	minKeep = 2
)

var appFields = []string{"name", "binary", "root", "units", "keep", "health", "consul", "slots"}

// app decodes the app section; parent locates errors when it is missing.
// It also returns what app.slots asks of the host entries.
func (d *decoder) app(n, parent *yaml.Node, a at) (App, slotRules) {
	f := d.fields(n, a, appFields...)
	app := App{Keep: defaultKeep}
	name := optional(d, f, "name", a, d.str, ValidName)
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
	}
	setIf(&app.Binary, optional(d, f, "binary", a, d.str, ValidName))
	setIf(&app.Root, optional(d, f, "root", a, d.str, validRoot))
	setIf(&app.Keep, optional(d, f, "keep", a, d.integer, validKeep))
	if un, ok := f["units"]; ok {
		if units, ok := d.units(un, a.key("units")); ok {
			app.Units = units
		}
	}
	portBroken := d.instances(f, a, &app)
	app.Health = d.health(f["health"], orAt(n, parent), a.key("health"))
	return app, d.slotRules(f, app, portBroken)
}

// instances decodes app.slots and app.consul, which say where instances
// listen, and sets how PortPlaceholder in app.health resolves. It reports
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
		r.portless = d.portUser + " uses " + PortPlaceholder
	}
	return r
}

func (d *decoder) units(n *yaml.Node, a at) ([]string, bool) {
	items := d.seq(n, a)
	if len(items) == 0 {
		d.errorf(deref(n), a, "must list at least one unit")
		return nil, false
	}
	units := make([]string, 0, len(items))
	seen := map[string]int{}
	ok := true
	for i, item := range items {
		u, good := d.str(item, a.index(i))
		if good {
			if err := validUnit(u); err != nil {
				d.invalid(deref(item), a.index(i), err)
				good = false
			} else if j, dup := seen[u]; dup {
				d.errorf(deref(item), a.index(i), "duplicate unit %s (also units[%d])", u, j)
				good = false
			}
			seen[u] = i
		}
		units = append(units, u)
		ok = ok && good
	}
	return units, ok
}

// validRoot keeps the app root a plain absolute path: it is where fleet
// creates, renames and prunes directories as root, so anything surprising
// ("..", "/", spaces, shell characters) is refused outright.
func validRoot(s string) error {
	if !strings.HasPrefix(s, "/") {
		return fmt.Errorf("must be an absolute path, got %q", s)
	}
	for elem := range strings.SplitSeq(s, "/") {
		if elem == ".." {
			return errors.New("must not contain ..")
		}
	}
	if c := path.Clean(s); c != s {
		return fmt.Errorf("must be a clean path (did you mean %s?)", c)
	}
	if s == "/" {
		return errors.New("must not be /")
	}
	for elem := range strings.SplitSeq(s[1:], "/") {
		if r, bad := firstBad(elem, isNameChar); bad {
			return fmt.Errorf("must not contain %q", r)
		}
	}
	return nil
}

func validKeep(k int) error {
	if k < minKeep {
		return fmt.Errorf("must be at least %d, got %d", minKeep, k)
	}
	return nil
}
