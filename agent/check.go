package agent

import (
	"context"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
)

// CheckArgs asks a host for the facts `fleet check` judges. check comes
// instead of hello, and carries the protocol and the app spec itself: it
// must also run where hello cannot, in an agent started without root
// because sudo refused it (hello reads the root-only state; check reads
// nothing of it). It changes nothing on the host and takes no lock.
type CheckArgs struct {
	Protocol int          `json:"protocol"` // 0: the client fills in ProtocolVersion
	App      appspec.Spec `json:"app"`
	// ReleaseSize is the size of the release the controller would stage;
	// 0: the largest release the host holds (none: free space only).
	ReleaseSize int64 `json:"release_size,omitempty"`
}

// HostCheck is what check read on the host. It states facts; the
// controller decides which of them are problems.
type HostCheck struct {
	Time  time.Time   `json:"time"` // the host's clock when it answered
	Arch  string      `json:"arch"` // the agent's GOARCH
	User  string      `json:"user"` // who the agent runs as ("root" under sudo)
	Root  RootCheck   `json:"root"`
	Units []UnitCheck `json:"units"`
	// Consul is the local Consul agent, asked with the spec's token; nil
	// without consul in the spec.
	Consul *ConsulCheck `json:"consul,omitempty"`
}

// RootCheck is the app root: who owns it, its mode, and the space left
// on its file system (the nearest existing parent's when it is missing).
type RootCheck struct {
	Path   string `json:"path"`
	Exists bool   `json:"exists"`
	Dir    bool   `json:"dir"`  // a real directory (not a symlink to one)
	UID    int    `json:"uid"`  // with Exists
	GID    int    `json:"gid"`  // with Exists
	Mode   uint32 `json:"mode"` // permission bits, with Exists
	Free   int64  `json:"free"` // bytes an unprivileged writer may still use
	Need   int64  `json:"need"` // bytes staging a release takes; 0: unknown
	Error  string `json:"error,omitempty"`
}

// UnitCheck is one unit as systemd would run it: loaded (LoadState
// "loaded"), and whether the program of its first ExecStart= is Want, the
// path through <root>/current (or a slot's current), itself or by
// symlinks.
type UnitCheck struct {
	Name      string   `json:"name"`
	LoadState string   `json:"load_state,omitempty"`
	ExecStart string   `json:"exec_start,omitempty"`
	Want      string   `json:"want"`
	Resolves  bool     `json:"resolves"`
	Fragment  string   `json:"fragment,omitempty"` // the unit file
	DropIns   []string `json:"drop_ins,omitempty"`
	Error     string   `json:"error,omitempty"`
}

// ConsulCheck is one read of the local Consul agent with the spec's
// address and token; Error is why it failed (token scrubbed).
type ConsulCheck struct {
	Address string `json:"address"`
	Error   string `json:"error,omitempty"`
}

// check reads the facts; it writes nothing, not even the journal.
func (s *session) check(ctx context.Context, a CheckArgs) (HostCheck, error) {
	if a.Protocol != ProtocolVersion {
		return HostCheck{}, errorf(CodeBadRequest, "check: controller speaks protocol %d, agent %d",
			a.Protocol, ProtocolVersion)
	}
	if err := a.App.Validate(); err != nil {
		return HostCheck{}, errorf(CodeBadRequest, "check: app: %w", err)
	}
	spec := a.App
	if spec.Consul != nil {
		c := spec.Consul.WithDefaults(spec.Name)
		spec.Consul = &c
	}
	l := layout{root: s.prefix.local(spec.Root)}
	res := HostCheck{Time: s.deps.Now().UTC(), Arch: s.deps.Arch, User: s.deps.User,
		Root:  s.checkRoot(l, spec.Root, a.ReleaseSize),
		Units: s.checkUnits(ctx, spec)}
	if spec.Consul != nil {
		res.Consul = s.checkConsul(ctx, spec)
	}
	return res, nil
}
