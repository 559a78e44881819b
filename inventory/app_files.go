package inventory

import (
	"fmt"

	"github.com/fleetdeploy/fleet/appspec"
	"go.yaml.in/yaml/v3"
)

// files decodes app.shared, app.env_file and app.max_unpacked_mib with
// appspec's rules: each
// shared entry alone (SharedPath, UserName, GroupName, SharedMode), then
// together (Shared: no overlap, not the binary), then env_file, which may
// not be a shared directory.
func (d *decoder) files(f map[string]*yaml.Node, a at, app *App) {
	if n := optional(d, f, "max_unpacked_mib", a, d.integer, positiveMiB); n != nil {
		app.MaxUnpackedMiB = *n
	}
	if n, ok := f["shared"]; ok {
		app.Shared = d.shared(n, a.key("shared"), app.Binary)
	}
	env := optional(d, f, "env_file", a, d.str, appspec.EnvFile)
	if env == nil {
		return
	}
	for _, e := range app.Shared {
		if e.IsDir() && e.Name() == *env {
			d.errorf(Deref(f["env_file"]), a.key("env_file"), "is the shared directory %s; name a file", e.Path)
			return
		}
	}
	app.EnvFile = *env
}

var sharedFields = []string{"path", "owner", "group", "mode"}

func (d *decoder) shared(n *yaml.Node, a at, binary string) []appspec.SharedEntry {
	var out []appspec.SharedEntry
	for i, item := range d.seq(n, a) {
		e, pathNode, ok := d.sharedEntry(item, a.index(i))
		if !ok {
			continue
		}
		if err := appspec.Shared(append(out, e), binary); err != nil {
			d.invalid(pathNode, a.index(i), err)
			continue
		}
		out = append(out, e)
	}
	return out
}

// sharedEntry decodes one app.shared entry: a path, or a mapping
// {path, owner, group, mode}; ok when it passed its rules alone. pathNode
// is where an error about the path as a whole belongs.
func (d *decoder) sharedEntry(item *yaml.Node, a at) (e appspec.SharedEntry, pathNode *yaml.Node, ok bool) {
	item = Deref(item)
	before := len(d.errs)
	if item != nil && item.Kind == yaml.SequenceNode {
		d.errorf(item, a, "must be a path or a mapping {path, owner, group, mode}, got %s", describe(item))
		return e, item, false
	}
	if item == nil || item.Kind != yaml.MappingNode {
		if p, ok := d.str(item, a); ok {
			if err := appspec.SharedPath(p); err != nil {
				d.invalid(item, a, err)
			}
			e.Path = p
		}
		return e, item, len(d.errs) == before
	}
	f := d.fields(item, a, sharedFields...)
	if _, set := f["path"]; !set {
		d.errorf(item, a.key("path"), "is required: the path inside the release (a trailing / for a directory)")
	}
	setIf(&e.Path, optional(d, f, "path", a, d.str, appspec.SharedPath))
	setIf(&e.Owner, optional(d, f, "owner", a, d.str, appspec.UserName))
	setIf(&e.Group, optional(d, f, "group", a, d.str, appspec.GroupName))
	setIf(&e.Mode, optional(d, f, "mode", a, d.str, appspec.SharedMode))
	return e, orAt(Deref(f["path"]), item), len(d.errs) == before
}

// positiveMiB is appspec.MaxUnpackedMiB without its 0 (unset), which the
// inventory expresses by leaving the field out.
func positiveMiB(n int) error {
	if n == 0 {
		return fmt.Errorf("must be at least 1 (MiB); leave it out for the default, %d", appspec.DefaultMaxUnpackedMiB)
	}
	return appspec.MaxUnpackedMiB(n)
}
