package agenttest

import (
	"context"
	"sync"

	"github.com/fleetdeploy/fleet/agent"
)

var (
	_ agent.UnitManager   = (*InspectedUnits)(nil)
	_ agent.UnitInspector = (*InspectedUnits)(nil)
)

// InspectedUnits is Units that can also say how each unit runs
// (agent.UnitInspector, which fleet check reads): a unit not set with
// SetFile is "not-found", as systemd reports a unit it has no file for.
type InspectedUnits struct {
	*Units
	UnitFileFn func(ctx context.Context, name string) (agent.UnitFile, error)

	mu    sync.Mutex
	files map[string]agent.UnitFile
}

// NewInspectedUnits returns NewUnits with no unit files.
func NewInspectedUnits() *InspectedUnits {
	return &InspectedUnits{Units: NewUnits(), files: map[string]agent.UnitFile{}}
}

// SetFile sets how name runs.
func (u *InspectedUnits) SetFile(name string, f agent.UnitFile) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.files[name] = f
}

// UnitFile implements agent.UnitInspector.
func (u *InspectedUnits) UnitFile(ctx context.Context, name string) (agent.UnitFile, error) {
	if u.UnitFileFn != nil {
		return u.UnitFileFn(ctx, name)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if f, ok := u.files[name]; ok {
		return f, nil
	}
	return agent.UnitFile{LoadState: "not-found"}, nil
}
