package deploy

import (
	"time"

	"github.com/fleetdeploy/fleet/provenance"
)

// Schema versions the events' JSON form (docs/events.md); bump it on an
// incompatible change. Adding kinds or fields is not one.
const Schema = 1

// Kind names what an Event reports. docs/events.md documents each kind
// and the fields it carries; Kinds lists them all.
type Kind string

// The event kinds, in the order a rollout emits them, then `fleet plan`'s.
// Each comment lists the fields the kind fills (besides schema, time and,
// within a run, rollout_id); docs/events.md is the contract.
const (
	KindRolloutStarted  Kind = "rollout_started"  // command, to, hosts, message, change_note, revision, dirty
	KindPlan            Kind = "plan"             // hosts, waves, version_change, message; fleet plan, rollback --dry-run: revision, dirty, provenance; fleet plan: estimate_ms, rollback_estimate_ms, warning
	KindHostStep        Kind = "host_step"        // host, wave, step, slot, mode, from, to, total, passing, left_ms, message
	KindUploadProgress  Kind = "upload_progress"  // host, from, to, bytes, total, rate
	KindStaged          Kind = "staged"           // to, hosts, bytes, message
	KindWaveStarted     Kind = "wave_started"     // wave, waves, hosts, step, message
	KindHostState       Kind = "host_state"       // host, wave, step, mode, state, message, error
	KindHostSucceeded   Kind = "host_succeeded"   // host, wave, step, mode, from, to, state, duration_ms, message
	KindHostFailed      Kind = "host_failed"      // as host_succeeded, with error
	KindBake            Kind = "bake"             // message
	KindPaused          Kind = "paused"           // to, message
	KindPausedAbandoned Kind = "paused_abandoned" // to, hosts, message
	KindHostDone        Kind = "host_done"        // host, from, to, mode, state, result, duration_ms, error
	KindRolloutDone     Kind = "rollout_done"     // command, to, state, result, exit_code, duration_ms, counts, error
	KindPlanWave        Kind = "plan_wave"        // wave, waves, hosts, state, message
	KindPlanHost        Kind = "plan_host"        // host, wave, mode, from, to, state, bytes, drain_ms, message, error
	KindPlanSummary     Kind = "plan_summary"     // hosts, waves, counts, bytes, result, version_change, message
	KindTrafficShifted  Kind = "traffic_shifted"  // step, share, hosts, message (a gray release's weights)
	KindAnalysisMeasure Kind = "analysis_measure" // step, metric, value, result, message
	KindAnalysisDone    Kind = "analysis_done"    // step, result, message
	KindPlanStep        Kind = "plan_step"        // step, state, share, hosts, message (fleet plan, gray release)
	KindChangelog       Kind = "changelog"        // from, to, hosts, state, total, commits, message, error
	KindHook            Kind = "hook"             // host, wave, step (the hook), slot, from, to, result, duration_ms, message, error
	KindPlanHook        Kind = "plan_hook"        // step (the hook), host, hosts, message (fleet plan: what runs where)
	KindPlanPeer        Kind = "plan_peer"        // host, wave, message (fleet plan, distribute: peers: who fetches from whom)
)

// Kinds is every kind deploy and cmd/fleet emit, for tests and docs.
func Kinds() []Kind {
	return []Kind{KindRolloutStarted, KindPlan, KindHostStep, KindUploadProgress, KindStaged, KindWaveStarted,
		KindHostState, KindHostSucceeded, KindHostFailed, KindBake, KindPaused, KindPausedAbandoned, KindHostDone,
		KindRolloutDone, KindPlanWave, KindPlanHost, KindPlanSummary,
		KindTrafficShifted, KindAnalysisMeasure, KindAnalysisDone, KindPlanStep, KindChangelog,
		KindHook, KindPlanHook, KindPlanPeer}
}

// Event is one line of user-facing progress. It is a union over Kind:
// each kind fills the fields docs/events.md lists for it (and the comment
// on its constant) and leaves the rest zero, which JSON omits. Package render
// draws events live, as plain lines, or as JSON (this struct's own
// encoding is the schema: field names, order and omitempty are the
// contract). Logs are separate and go to stderr.
type Event struct {
	Schema     int            `json:"schema"` // Schema; the sink stamps it
	Time       time.Time      `json:"time"`   // zero: the sink stamps it
	Kind       Kind           `json:"kind"`
	RolloutID  string         `json:"rollout_id,omitempty"`
	Command    string         `json:"command,omitempty"`
	Host       string         `json:"host,omitempty"`
	Wave       int            `json:"wave,omitempty"`
	Waves      int            `json:"waves,omitempty"`
	Hosts      int            `json:"hosts,omitempty"`
	Step       string         `json:"step,omitempty"`
	Slot       string         `json:"slot,omitempty"`
	Mode       string         `json:"mode,omitempty"` // in-place or surge
	From       string         `json:"from,omitempty"`
	To         string         `json:"to,omitempty"`
	State      string         `json:"state,omitempty"`
	Result     string         `json:"result,omitempty"`
	Bytes      int64          `json:"bytes,omitempty"`
	Total      int64          `json:"total,omitempty"`
	Rate       int64          `json:"rate,omitempty"` // bytes per second
	Passing    *bool          `json:"passing,omitempty"`
	LeftMS     int64          `json:"left_ms,omitempty"`
	DurationMS int64          `json:"duration_ms,omitempty"`
	DrainMS    *int64         `json:"drain_ms,omitempty"` // present even when 0 (drain: 0s)
	ExitCode   *int           `json:"exit_code,omitempty"`
	Counts     map[string]int `json:"counts,omitempty"`
	Share      *float64       `json:"share,omitempty"` // percent of requests to the canary set; present even when 0
	Metric     string         `json:"metric,omitempty"`
	Value      *float64       `json:"value,omitempty"` // present even when 0
	Message    string         `json:"message,omitempty"`
	Error      string         `json:"error,omitempty"`
	ChangeNote string         `json:"change_note,omitempty"` // rollout_started: -m/--message, whole
	Revision   string         `json:"revision,omitempty"`    // rollout_started: the artifact's commit, when known
	Dirty      bool           `json:"dirty,omitempty"`       // rollout_started: built from a dirty tree
	Commits    []EventCommit  `json:"commits,omitempty"`     // changelog: newest first, at most changelog.DefaultMax
	// Provenance is, on fleet plan's plan event, the artifact's whole
	// provenance (on rollback --dry-run's, the target release's, as the
	// hosts recorded it); nil when nothing is known.
	Provenance *provenance.Provenance `json:"provenance,omitempty"`
	// VersionChange is plan and plan_summary's semantic version change:
	// major, minor, patch, same, downgrade or not-semver.
	VersionChange string `json:"version_change,omitempty"`
	// EstimateMS and RollbackEstimateMS are, on fleet plan's plan event,
	// how long the rollout and a full rollback take at least; Warning
	// says the rollback takes longer than strategy.rollback.warn_after.
	EstimateMS         *int64 `json:"estimate_ms,omitempty"`
	RollbackEstimateMS *int64 `json:"rollback_estimate_ms,omitempty"`
	Warning            string `json:"warning,omitempty"`
}

// EventCommit is one commit of a changelog event, its text cleaned for a
// terminal.
type EventCommit struct {
	Hash    string `json:"hash"`
	Author  string `json:"author"`
	Subject string `json:"subject"`
}

// Sink receives a run's events, one at a time or concurrently from
// several hosts: it must be safe for concurrent use. A nil Sink drops
// them.
type Sink func(Event)
