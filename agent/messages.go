package agent

import (
	"time"

	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/provenance"
)

// HelloArgs opens a session. It must be the first request.
type HelloArgs struct {
	Protocol   int          `json:"protocol"` // 0: the client fills in ProtocolVersion
	App        appspec.Spec `json:"app"`
	Controller Holder       `json:"controller"` // Since is ignored; lock sets it
	// IdleTimeout: the agent ends the session (releasing the lock) when
	// no line, request or heartbeat, arrives for this long; the client
	// sends a heartbeat every IdleTimeout/4. 0 turns both off.
	IdleTimeout appspec.Duration `json:"idle_timeout,omitempty"`
}

// HelloResult carries host facts and the current state.
type HelloResult struct {
	Protocol     int          `json:"protocol"`
	AgentVersion string       `json:"agent_version"`
	Hostname     string       `json:"hostname"`
	Arch         string       `json:"arch"`
	User         string       `json:"user"` // effective user of the agent
	PID          int          `json:"pid"`
	Status       StatusResult `json:"status"`
}

// LockResult is the holder record this session wrote.
type LockResult struct {
	Holder Holder `json:"holder"`
}

// StatusArgs asks for the host state; Probe also runs one round of the
// health checks (recorded nowhere).
type StatusArgs struct {
	Probe bool `json:"probe,omitempty"`
}

// StatusResult is the host's deployment state.
type StatusResult struct {
	Current  string        `json:"current,omitempty"`
	Previous string        `json:"previous,omitempty"`
	LastGood string        `json:"last_good,omitempty"`
	Releases []Release     `json:"releases"` // oldest first
	Units    []UnitStatus  `json:"units"`
	Lock     *Holder       `json:"lock,omitempty"`   // nil: nobody holds the host lock
	Checks   []CheckResult `json:"checks,omitempty"` // one probe round, with StatusArgs.Probe

	// Serving is the slot that serves ("" without slots, or before the
	// first serve); Current is then that slot's version.
	Serving string       `json:"serving,omitempty"`
	Pending *PendingMark `json:"pending,omitempty"` // a paused canary, nil when none
	// Instances: the single instance without slots, else one per slot.
	Instances []InstanceStatus `json:"instances,omitempty"`
}

// Release describes one installed release.
type Release struct {
	Version     string    `json:"version"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	StagedAt    time.Time `json:"staged_at"`
	StagedBy    string    `json:"staged_by,omitempty"`
	HealthyEver bool      `json:"healthy_ever"`
	LastResult  string    `json:"last_result,omitempty"` // latest health verdict
	// Provenance is release.json's: what the artifact is and which commit
	// it was built from; nil when the controller that staged it sent none.
	Provenance *provenance.Provenance `json:"provenance,omitempty"`
}

// UnitStatus is one unit's ActiveState, or why it could not be read.
type UnitStatus struct {
	Name        string `json:"name"`
	ActiveState string `json:"active_state,omitempty"`
	Error       string `json:"error,omitempty"`
}

// StageBeginArgs announces an artifact.
type StageBeginArgs struct {
	Version string `json:"version"`
	SHA256  string `json:"sha256"` // lower-case hex
	Size    int64  `json:"size"`
	// Format is the bundle's (bundle.Tar, TarGz, TarZst); "" for a
	// bare binary.
	Format string `json:"format,omitempty"`
}

// StageBeginResult says either that the release is already installed
// (Present) or where to upload it.
type StageBeginResult struct {
	Present    bool   `json:"present"`
	UploadPath string `json:"upload_path,omitempty"`
}

// StageCommitArgs installs an uploaded artifact. Provenance, when set,
// is what the controller read from the artifact (its Go build info, a
// --revision); release.json records it. nil: none (an older controller).
type StageCommitArgs struct {
	Version    string                 `json:"version"`
	SHA256     string                 `json:"sha256"`
	UploadPath string                 `json:"upload_path"`
	Provenance *provenance.Provenance `json:"provenance,omitempty"`
}

// StageCommitResult describes the installed release.
type StageCommitResult struct {
	Release Release `json:"release"`
}

// SwitchArgs points current at an installed release. Reject marks the
// release being switched away from as rolled back: it stops being a
// rollback target on this host until it passes a health gate again, so a
// later `fleet rollback` never returns to a release that was abandoned.
//
// Slot "" switches the host's current; a slot name switches that slot's
// current (and rewrites its env file).
type SwitchArgs struct {
	Version string `json:"version"`
	Reject  bool   `json:"reject,omitempty"`
	Slot    string `json:"slot,omitempty"`
}

// SwitchResult says where current pointed before and after. Previous is
// the rollback target after the switch.
type SwitchResult struct {
	From     string `json:"from,omitempty"`
	To       string `json:"to"`
	Previous string `json:"previous,omitempty"`
}

// RestartArgs restarts the app's units (appspec.Spec.Units, in order), or with
// Slot the slot's instance of the template unit.
type RestartArgs struct {
	Slot string `json:"slot,omitempty"`
}

// RestartResult lists the units restarted, in order.
type RestartResult struct {
	Units []string `json:"units"`
}

// HealthArgs runs the gate on current, or with Slot on the slot's
// instance (its port replaces appspec.PortPlaceholder in the checks). When Version
// is set the agent refuses to run unless the instance runs that version,
// so a verdict is never recorded against the wrong release.
type HealthArgs struct {
	Version string `json:"version,omitempty"`
	Slot    string `json:"slot,omitempty"`
}

// HealthResult is a passed gate.
type HealthResult struct {
	Version    string           `json:"version"`
	Rounds     int              `json:"rounds"`
	HealthyFor appspec.Duration `json:"healthy_for"`
}

// PruneArgs removes old releases. Keep 0 means the spec's Keep.
type PruneArgs struct {
	Keep int `json:"keep,omitempty"`
}

// PruneResult lists removed versions and stale temporary entries left by
// sessions that died (Cleaned, paths relative to root).
type PruneResult struct {
	Removed []string `json:"removed"`
	Cleaned []string `json:"cleaned,omitempty"`
}

// JournalArgs reads the host journal; Last 0 means the last 100 entries.
type JournalArgs struct {
	Last int `json:"last,omitempty"`
}

// JournalResult holds entries, oldest first.
type JournalResult struct {
	Entries []JournalEntry `json:"entries"`
}

// JournalEntry is one line of <root>/.fleet/journal.jsonl.
type JournalEntry struct {
	Time      time.Time `json:"time"`
	User      string    `json:"user"`
	Machine   string    `json:"machine"`
	Command   string    `json:"command"`
	RolloutID string    `json:"rollout_id"`
	Op        Op        `json:"op"`
	From      string    `json:"from,omitempty"`
	To        string    `json:"to,omitempty"`
	Version   string    `json:"version,omitempty"`
	Slot      string    `json:"slot,omitempty"`
	Reason    string    `json:"reason,omitempty"` // drain's reason; what pending did
	Weight    int       `json:"weight,omitempty"` // weight's new passing weight (0: normal)
	Removed   []string  `json:"removed,omitempty"`
	Result    string    `json:"result"` // ok, error, healthy, unhealthy
	Error     string    `json:"error,omitempty"`
	// ChangeNote is the run's change note (Holder.ChangeNote), on every
	// entry of the run.
	ChangeNote string `json:"change_note,omitempty"`
	// Revision and Dirty: on stage_commit and switch, the commit the
	// release was built from and whether its tree was dirty (release.json's
	// provenance), when known.
	Revision string `json:"revision,omitempty"`
	Dirty    bool   `json:"dirty,omitempty"`
	// Hook and Output: on hook, which one ran and its output's last
	// HookOutputMax bytes (Version the release it ran for, From the one
	// it replaces).
	Hook   string `json:"hook,omitempty"`
	Output string `json:"output,omitempty"`
}

// Journal results.
const (
	resultOK        = "ok"
	resultError     = "error"
	resultHealthy   = "healthy"
	resultExpired   = "expired" // a lock entry: the session ended because its controller went silent
	resultUnhealthy = "unhealthy"
	resultRejected  = "rejected" // rolled back from; a verdict like unhealthy
	resultSwitched  = "switched" // made current, not judged yet
)

// Limits on the journal op, so one response stays well under the client's
// line limit.
const (
	journalDefaultLast = 100
	journalMaxLast     = 1000
)
