package inventory

import (
	"fmt"

	"github.com/fleetdeploy/fleet/appspec"
	"go.yaml.in/yaml/v3"
)

// files decodes app.shared, app.env_file and app.max_unpacked_mib with
// appspec's rules: each
// shared path alone (SharedPath), then together (Shared: no overlap, not
// the binary), then env_file, which may not be a shared directory.
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
	for _, p := range app.Shared {
		if appspec.SharedIsDir(p) && appspec.SharedName(p) == *env {
			d.errorf(Deref(f["env_file"]), a.key("env_file"), "is the shared directory %s; name a file", p)
			return
		}
	}
	app.EnvFile = *env
}

func (d *decoder) shared(n *yaml.Node, a at, binary string) []string {
	var out []string
	for i, item := range d.seq(n, a) {
		p, ok := d.str(item, a.index(i))
		if !ok {
			continue
		}
		if err := appspec.SharedPath(p); err != nil {
			d.invalid(Deref(item), a.index(i), err)
			continue
		}
		if err := appspec.Shared(append(out, p), binary); err != nil {
			d.invalid(Deref(item), a.index(i), err)
			continue
		}
		out = append(out, p)
	}
	return out
}

// positiveMiB is appspec.MaxUnpackedMiB without its 0 (unset), which the
// inventory expresses by leaving the field out.
func positiveMiB(n int) error {
	if n == 0 {
		return fmt.Errorf("must be at least 1 (MiB); leave it out for the default, %d", appspec.DefaultMaxUnpackedMiB)
	}
	return appspec.MaxUnpackedMiB(n)
}
