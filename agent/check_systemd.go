package agent

import (
	"context"
	"fmt"
)

var _ UnitInspector = (*Systemd)(nil)

// UnitFile reads LoadState, FragmentPath and DropInPaths from the unit's
// interface and ExecStart from its Service interface. Asking for a unit
// by its D-Bus path makes systemd load it if it has not (as `systemctl
// show` does); that changes no unit's state.
func (s *Systemd) UnitFile(ctx context.Context, name string) (UnitFile, error) {
	props, err := s.conn.GetUnitPropertiesContext(ctx, name)
	if err != nil {
		return UnitFile{}, fmt.Errorf("unit file %s: %w", name, err)
	}
	f := UnitFile{}
	f.LoadState, _ = props["LoadState"].(string)
	f.Fragment, _ = props["FragmentPath"].(string)
	f.DropIns, _ = props["DropInPaths"].([]string)
	if f.LoadState != "loaded" || unitTypeInterface(name) != "Service" {
		return f, nil
	}
	p, err := s.conn.GetUnitTypePropertyContext(ctx, name, "Service", "ExecStart")
	if err != nil {
		return f, fmt.Errorf("unit file %s: %w", name, err)
	}
	f.ExecStart = firstExecPath(p.Value.Value())
	return f, nil
}

// firstExecPath is the program of the first entry of an ExecStart
// property, D-Bus type a(sasbttttuii): godbus decodes it as a slice of
// structs as []any, the path first.
func firstExecPath(v any) string {
	entries, ok := v.([][]any)
	if !ok || len(entries) == 0 || len(entries[0]) == 0 {
		return ""
	}
	p, _ := entries[0][0].(string)
	return p
}
