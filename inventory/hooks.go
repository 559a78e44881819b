package inventory

import (
	"slices"
	"strings"

	"github.com/fleetdeploy/fleet/appspec"
	"go.yaml.in/yaml/v3"
)

var hooksFields = []string{"before", "after", "before_stop", "after_start", "on", "on_rollback"}

// hooks decodes app.hooks with appspec's rules (HookArgv's per argument,
// UserName, HookTimeout), each error at its value's file:line:col.
func (d *decoder) hooks(n *yaml.Node, a at) *appspec.Hooks {
	f := d.fields(n, a, hooksFields...)
	h := &appspec.Hooks{}
	for _, name := range appspec.HookNames {
		hn, ok := f[name]
		if !ok {
			continue
		}
		hk := d.hook(hn, a.key(name))
		switch name {
		case appspec.HookBefore:
			h.Before = hk
		case appspec.HookAfter:
			h.After = hk
		case appspec.HookBeforeStop:
			h.BeforeStop = hk
		case appspec.HookAfterStart:
			h.AfterStart = hk
		}
	}
	setIf(&h.On, optional(d, f, "on", a, d.str, appspec.Name))
	setIf(&h.OnRollback, optional(d, f, "on_rollback", a, d.boolean, nil))
	return h
}

func (d *decoder) hook(n *yaml.Node, a at) *appspec.Hook {
	f := d.fields(n, a, "argv", "user", "timeout")
	h := &appspec.Hook{}
	argvAt := a.key("argv")
	items := d.seq(f["argv"], argvAt)
	if len(items) == 0 {
		d.invalid(orAt(f["argv"], Deref(n)), argvAt, appspec.HookArgv(nil))
	}
	for i, item := range items {
		arg, ok := d.str(item, argvAt.index(i))
		if !ok {
			continue
		}
		if err := appspec.HookArg(i, arg); err != nil {
			d.invalid(Deref(item), argvAt.index(i), err)
		}
		h.Argv = append(h.Argv, arg)
	}
	setIf(&h.User, optional(d, f, "user", a, d.str, appspec.UserName))
	setDurationIf(&h.Timeout, optional(d, f, "timeout", a, d.duration, appspec.HookTimeout))
	return h
}

// hooksGroup refuses a hooks.on that names no group of the file.
func (d *decoder) hooksGroup(app *yaml.Node, inv *Inventory) {
	h := inv.App.Hooks
	if h == nil || h.On == "" || slices.Contains(inv.Groups, h.On) {
		return
	}
	n := Deref(lookup(lookup(app, "hooks"), "on"))
	d.errorf(n, at{field: "app.hooks.on"}, "names no group of this file (groups: %s)", strings.Join(inv.Groups, ", "))
}
