package agent

import (
	"time"

	"github.com/fleetdeploy/fleet/appspec"
)

// The instance ops. Slot "" always means the host's single instance
// (units = appspec.Spec.Units, port = appspec.Consul.Port, service ID =
// appspec.Consul.Service); a slot name means that slot (unit = the template's
// instance, its port, service ID = Service + "-" + slot) and needs slots in
// the spec.

// DrainArgs takes an instance out of the load balancer: Consul
// maintenance with Reason (default: names the rollout), then a wait of
// appspec.Consul.Drain unless it was already in maintenance.
type DrainArgs struct {
	Slot   string `json:"slot,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// DrainResult says what drain found and did. Registered false: Consul
// does not know the instance, nothing was done.
type DrainResult struct {
	ServiceID          string           `json:"service_id"`
	Registered         bool             `json:"registered"`
	AlreadyMaintenance bool             `json:"already_maintenance,omitempty"`
	Waited             appspec.Duration `json:"waited"`
}

// RegisterArgs (re)registers an instance with Consul, in maintenance so
// that it gets no traffic before enable. Version, when set, must be the
// instance's current version (as for health). Weight, when above 0, is
// the instance's passing and warning weight (a gray release's canary
// enters at its share); 0 registers the normal weights.
type RegisterArgs struct {
	Slot    string `json:"slot,omitempty"`
	Version string `json:"version,omitempty"`
	Weight  int    `json:"weight,omitempty"`
}

// RegisterResult is what was registered.
type RegisterResult struct {
	ServiceID string `json:"service_id"`
	Version   string `json:"version"`
	Port      int    `json:"port,omitempty"`
}

// WeightArgs sets a registered instance's Consul weights (passing and
// warning alike: an instance whose checks warn keeps its share) without
// taking it out of the balancer. Weight 0 restores the normal weights.
type WeightArgs struct {
	Slot   string `json:"slot,omitempty"`
	Weight int    `json:"weight,omitempty"`
}

// WeightResult is the instance's weight before and after.
type WeightResult struct {
	ServiceID string  `json:"service_id"`
	Before    Weights `json:"before"`
	After     Weights `json:"after"`
}

// VerdictArgs records, in the host's journal, how the controller judged
// the release this host runs as a canary (a gray release's or
// canary_analysis' metric analysis), so that `fleet history` can say why
// a release was rolled back. It changes nothing else.
type VerdictArgs struct {
	Version string `json:"version"`
	What    string `json:"what"`   // "analysis step 3", "canary_analysis"
	Result  string `json:"result"` // successful, failed, inconclusive
	Reason  string `json:"reason,omitempty"`
}

// VerdictResult is empty: the entry is written.
type VerdictResult struct{}

// EnableArgs puts a registered instance back into the load balancer
// (maintenance off).
type EnableArgs struct {
	Slot string `json:"slot,omitempty"`
}

// EnableResult names the instance; WasMaintenance says whether it was in
// maintenance before.
type EnableResult struct {
	ServiceID      string `json:"service_id"`
	WasMaintenance bool   `json:"was_maintenance"`
}

// StopArgs stops an instance's units and deregisters it. With Consul, a
// registered instance must be drained (in maintenance) first.
type StopArgs struct {
	Slot string `json:"slot,omitempty"`
}

// StopResult lists the units stopped, in order, and whether the instance
// was deregistered from Consul.
type StopResult struct {
	Units        []string `json:"units"`
	Deregistered bool     `json:"deregistered,omitempty"`
}

// ServeArgs makes Slot the slot that serves: the host's current becomes
// its version. It needs slots in the spec; Slot "" goes back to the
// host's single instance.
type ServeArgs struct {
	Slot string `json:"slot,omitempty"`
}

// ServeResult gives the host's current before and after, and the
// rollback target after.
type ServeResult struct {
	Serving  string `json:"serving,omitempty"`
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
	Previous string `json:"previous,omitempty"`
}

// PendingArgs records a paused canary (Version, RolloutID defaulting to
// hello's) or, with Clear, removes the record.
type PendingArgs struct {
	Version   string `json:"version,omitempty"`
	RolloutID string `json:"rollout_id,omitempty"`
	Clear     bool   `json:"clear,omitempty"`
	// Abandon, with Clear: a new rollout goes over the paused one; the
	// journal says so instead of "cleared".
	Abandon bool `json:"abandon,omitempty"`
}

// PendingResult is the record after the op (nil once cleared).
type PendingResult struct {
	Pending *PendingMark `json:"pending,omitempty"`
}

// PendingMark is a paused canary: Version runs here, waiting for the
// rollout RolloutID to be resumed or aborted.
type PendingMark struct {
	Version   string    `json:"version"`
	RolloutID string    `json:"rollout_id,omitempty"`
	Since     time.Time `json:"since"`
	By        string    `json:"by,omitempty"` // user@machine
}

// InstanceStatus is one instance as the host sees it. The Consul fields
// are set when the spec has Consul; a failure to read them goes into
// Error, never fails status.
type InstanceStatus struct {
	Slot        string `json:"slot,omitempty"`
	Version     string `json:"version,omitempty"`
	Unit        string `json:"unit,omitempty"`
	ActiveState string `json:"active_state,omitempty"`
	Port        int    `json:"port,omitempty"`

	ServiceID     string `json:"service_id,omitempty"`
	Registered    bool   `json:"registered"`
	Maintenance   bool   `json:"maintenance"`
	ConsulVersion string `json:"consul_version,omitempty"` // the version its Consul meta names
	ChecksPassing bool   `json:"checks_passing"`           // its own checks, maintenance aside
	// Weight is the passing weight when it is not the normal one: a gray
	// release's step, or one a killed controller left behind.
	Weight int `json:"weight,omitempty"`

	Error string `json:"error,omitempty"`
}
