package agent

import (
	"context"
	"os"
	"path"

	"github.com/fleetdeploy/fleet/appspec"
)

// UnitInspector reads how systemd would run a unit, for check. Systemd
// implements it; Deps.Units is asked for it (an optional interface, as
// io.WriterTo is), and without it check reports each unit as unread.
type UnitInspector interface {
	UnitFile(ctx context.Context, name string) (UnitFile, error)
}

// UnitFile is a unit as systemd loaded it.
type UnitFile struct {
	LoadState string   // "loaded", "not-found", "masked", "error", ...
	Fragment  string   // the unit file (FragmentPath)
	DropIns   []string // its drop-ins (DropInPaths)
	ExecStart string   // the program of its first ExecStart=; "" when none
}

// errNoInspector is check's answer on a host whose UnitManager cannot
// say how a unit runs.
const errNoInspector = "this agent cannot read unit files"

// maxSymlinkHops bounds following ExecStart's symlinks, as the kernel's
// own limit (40) does.
const maxSymlinkHops = 40

// checkUnits reads the units a rollout restarts: the spec's, or with
// slots each slot's instance of the template, and whether each runs
// the binary through the current symlink it is switched by.
func (s *session) checkUnits(ctx context.Context, spec appspec.Spec) []UnitCheck {
	var out []UnitCheck
	if spec.Slots != nil {
		for _, sl := range spec.Slots.Instances {
			want := path.Join(spec.Root, slotsDir, sl.Name, currentLink, spec.Binary)
			out = append(out, s.checkUnit(ctx, spec.Slots.UnitOf(sl.Name), want))
		}
		return out
	}
	want := path.Join(spec.Root, currentLink, spec.Binary)
	for _, u := range spec.Units {
		out = append(out, s.checkUnit(ctx, u, want))
	}
	return out
}

func (s *session) checkUnit(ctx context.Context, name, want string) UnitCheck {
	uc := UnitCheck{Name: name, Want: want}
	insp, ok := s.deps.Units.(UnitInspector)
	if !ok {
		uc.Error = errNoInspector
		return uc
	}
	f, err := insp.UnitFile(ctx, name)
	if err != nil {
		uc.Error = err.Error()
		return uc
	}
	uc.LoadState, uc.ExecStart, uc.Fragment, uc.DropIns = f.LoadState, f.ExecStart, f.Fragment, f.DropIns
	uc.Resolves = f.ExecStart != "" && s.resolvesTo(f.ExecStart, want)
	return uc
}

// resolvesTo reports whether p is want, or a chain of symlinks reaching
// it (/usr/local/bin/hello -> /opt/hello/current/hello). want itself is
// not followed: through current is the point, so a unit that names
// releases/<v>/ directly, which current also reaches, does not resolve.
func (s *session) resolvesTo(p, want string) bool {
	p = path.Clean(p)
	for range maxSymlinkHops {
		if p == want {
			return true
		}
		target, err := os.Readlink(s.prefix.local(p))
		if err != nil {
			return false
		}
		if !path.IsAbs(target) {
			target = path.Join(path.Dir(p), target)
		}
		p = path.Clean(target)
	}
	return false
}
