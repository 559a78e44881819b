// Package agent is the host side of fleet: `fleet agent serve` runs Serve on
// each host, driven over one SSH session by the controller, which talks to it
// through Client. The wire protocol is JSON lines; DESIGN.md is its contract.
package agent

import (
	"encoding/json"
	"fmt"

	"github.com/fleetdeploy/fleet/appspec"
)

// ProtocolVersion is bumped on any incompatible change to the wire types.
// hello refuses a controller that speaks another version, so an old agent
// never half-understands a newer controller.
const ProtocolVersion = 1

// Op names one request kind. The set is closed: the server rejects ops it
// does not know instead of guessing.
type Op string

// The ops, in the order a rollout normally sends them.
const (
	OpHello       Op = "hello"
	OpLock        Op = "lock"
	OpStatus      Op = "status"
	OpStageBegin  Op = "stage_begin"
	OpStageCommit Op = "stage_commit"
	OpSwitch      Op = "switch"
	OpRestart     Op = "restart"
	OpHealth      Op = "health"
	OpPrune       Op = "prune"
	OpJournal     Op = "journal"
	OpDrain       Op = "drain"
	OpRegister    Op = "register"
	OpEnable      Op = "enable"
	OpStop        Op = "stop"
	OpServe       Op = "serve"
	OpPending     Op = "pending"
	OpWeight      Op = "weight"
	OpVerdict     Op = "verdict"
	// OpCheck comes instead of hello (fleet check; check.go).
	OpCheck Op = "check"
	// OpLogs streams the app units' system journal (fleet logs; logs.go).
	OpLogs Op = "logs"
	// OpFetch stages a release the host downloads itself (fetch.go).
	OpFetch Op = "fetch"
	// OpHook runs one of the spec's hooks (hook.go).
	OpHook Op = "hook"
	// OpServeRelease serves a release to the rollout's peers (serve_release.go).
	OpServeRelease Op = "serve_release"
)

// Known reports whether o is one of the ops above.
func (o Op) Known() bool {
	switch o {
	case OpHello, OpLock, OpStatus, OpStageBegin, OpStageCommit,
		OpSwitch, OpRestart, OpHealth, OpPrune, OpJournal,
		OpDrain, OpRegister, OpEnable, OpStop, OpServe, OpPending, OpWeight, OpVerdict, OpCheck, OpLogs, OpFetch, OpHook, OpServeRelease:
		return true
	}
	return false
}

// mutates reports whether o changes the host, and so needs the lock.
func (o Op) mutates() bool {
	switch o {
	case OpStageBegin, OpStageCommit, OpSwitch, OpRestart, OpHealth, OpPrune,
		OpDrain, OpRegister, OpEnable, OpStop, OpServe, OpPending, OpWeight, OpVerdict, OpFetch, OpHook, OpServeRelease:
		return true
	}
	return false
}

// Request is one line from the controller. ID 0 is reserved for responses
// to lines the agent could not parse.
type Request struct {
	ID   uint64          `json:"id"`
	Op   Op              `json:"op"`
	Args json.RawMessage `json:"args,omitempty"`
}

// Response is one line from the agent: either progress (Event set, zero or
// more per request) or the final answer (OK with Result, or Error).
type Response struct {
	ID     uint64          `json:"id"`
	OK     bool            `json:"ok,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *WireError      `json:"error,omitempty"`
	Event  *Event          `json:"event,omitempty"`
}

// WireError is Error as it travels; the client turns it back into *Error.
type WireError struct {
	Code    Code     `json:"code"`
	Message string   `json:"message"`
	Holder  *Holder  `json:"holder,omitempty"`
	Journal []string `json:"journal,omitempty"`
}

// EventKind says what an Event reports on.
type EventKind string

// EventHealth reports one probe round of the health gate; EventLog one
// entry of the units' system journal (logs); EventFetch a fetch's retry
// or resume.
const (
	EventHealth EventKind = "health"
	EventLog    EventKind = "log"
	EventFetch  EventKind = "fetch"
)

// Event is progress for the request in flight.
type Event struct {
	Kind    EventKind       `json:"kind"`
	Message string          `json:"message"`
	Health  *HealthProgress `json:"health,omitempty"`
	Log     *LogEntry       `json:"log,omitempty"`
	Fetch   *FetchProgress  `json:"fetch,omitempty"`
}

// FetchProgress is where a fetch stands: the attempt that just ended (a
// retry) or begins (a resume), and the bytes in hand.
type FetchProgress struct {
	Attempt int   `json:"attempt"`
	Bytes   int64 `json:"bytes"`
}

// HealthProgress is one probe round of the health gate.
type HealthProgress struct {
	Round      int              `json:"round"`
	Passing    bool             `json:"passing"`
	HealthyFor appspec.Duration `json:"healthy_for"`
	Left       appspec.Duration `json:"left"`
	Checks     []CheckResult    `json:"checks"`
}

// CheckResult is one check's outcome in a round.
type CheckResult struct {
	Check  string `json:"check"`
	OK     bool   `json:"ok"`
	Reason string `json:"reason,omitempty"`
}

// DecodeRequest parses one request line strictly: unknown fields and
// unknown ops are errors, so a newer controller cannot have an option
// silently ignored by an older agent.
func DecodeRequest(line []byte) (Request, error) {
	var req Request
	if err := decodeStrict(line, &req); err != nil {
		return req, fmt.Errorf("decode request: %w", err)
	}
	if req.ID == 0 {
		return req, fmt.Errorf("decode request: id must be > 0")
	}
	if !req.Op.Known() {
		return req, fmt.Errorf("decode request: unknown op %q", req.Op)
	}
	return req, nil
}
