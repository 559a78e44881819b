package agent

import (
	"encoding/json"
	"fmt"
	"time"
)

// AppSpec is what the controller tells the agent about the application in
// hello. It fixes the host layout (Root) for the whole session.
type AppSpec struct {
	Name   string     `json:"name"`
	Root   string     `json:"root"`   // absolute, clean; e.g. /opt/<name>
	Binary string     `json:"binary"` // file name inside releases/<v>/
	Units  []string   `json:"units"`  // systemd units restarted in order
	Keep   int        `json:"keep"`   // releases prune keeps (>= appspec.MinKeep)
	Health HealthSpec `json:"health"`

	// Consul, when set, makes the host's instances Consul services the
	// agent registers, drains and enables (drain, register, enable, stop).
	Consul *ConsulSpec `json:"consul,omitempty"`
	// Slots, when set, lets the host run two instances of the app side by
	// side from one systemd template unit, so a surge upgrade starts the
	// new version next to the old one.
	Slots *SlotSpec `json:"slots,omitempty"`
}

// HealthSpec drives the health gate: every Interval all Checks run; the gate
// passes once they have all passed continuously for MinHealthyTime, and
// fails if that has not happened by Deadline after the op started.
type HealthSpec struct {
	MinHealthyTime Duration    `json:"min_healthy_time"`
	Deadline       Duration    `json:"deadline"`
	Interval       Duration    `json:"interval"`
	Checks         []CheckSpec `json:"checks"`
}

// CheckSpec is one check; exactly one field is set.
type CheckSpec struct {
	HTTP    *HTTPCheck    `json:"http,omitempty"`
	TCP     *TCPCheck     `json:"tcp,omitempty"`
	Command *CommandCheck `json:"command,omitempty"`
	Systemd *SystemdCheck `json:"systemd,omitempty"`
}

// HTTPCheck passes when GET URL answers Status (200 when 0) and, if Body
// is set, the first 64 KiB of the body contain it. URL may contain
// appspec.PortPlaceholder, replaced by the instance's port.
type HTTPCheck struct {
	URL     string   `json:"url"`
	Status  int      `json:"status,omitempty"`
	Body    string   `json:"body,omitempty"`
	Timeout Duration `json:"timeout,omitempty"` // 0: the spec's Interval
}

// TCPCheck passes when Address accepts a connection. Address may contain
// appspec.PortPlaceholder, replaced by the instance's port.
type TCPCheck struct {
	Address string   `json:"address"`
	Timeout Duration `json:"timeout,omitempty"`
}

// CommandCheck passes when Argv exits 0. It is executed directly, never
// through a shell.
type CommandCheck struct {
	Argv    []string `json:"argv"`
	Timeout Duration `json:"timeout,omitempty"`
}

// SystemdCheck passes when Unit's ActiveState is State ("active" when empty).
type SystemdCheck struct {
	Unit  string `json:"unit"`
	State string `json:"state,omitempty"`
}

// Holder says who drives a session: the controller's user, machine, pid
// (on that machine), command line, rollout id and change note. hello
// carries it; the lock records it (with Since set by the agent when the
// lock was taken) and every journal entry copies it.
type Holder struct {
	User      string    `json:"user"`
	Machine   string    `json:"machine"`
	PID       int       `json:"pid"`
	Command   string    `json:"command"`
	RolloutID string    `json:"rollout_id"`
	Since     time.Time `json:"since"`
	// ChangeNote is why the run happens (fleet -m/--message, or a CI
	// build's URL); "" when none was given. At most 4096 bytes, no NUL
	// (ValidateChangeNote); Consul meta gets it cut to 512 bytes.
	ChangeNote string `json:"change_note,omitempty"`
}

// Duration is a time.Duration that travels as a Go duration string
// ("1m30s"), so inventories and logs stay readable.
type Duration time.Duration

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// String formats d like time.Duration.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes d as a string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil // as encoding/json does for plain values
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: want a string like \"30s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	*d = Duration(v)
	return nil
}
