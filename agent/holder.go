package agent

import (
	"fmt"
	"time"
)

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

// Validate bounds the free-text fields that end up in the lock file and
// the journal.
func (h Holder) Validate() error {
	if h.PID < 0 {
		return fmt.Errorf("controller pid %d: must be >= 0", h.PID)
	}
	for _, f := range []struct{ what, s string }{
		{"controller user", h.User}, {"controller machine", h.Machine},
		{"controller command", h.Command}, {"rollout id", h.RolloutID}, {"change note", h.ChangeNote},
	} {
		if err := validateFreeText(f.what, f.s); err != nil {
			return err
		}
	}
	return nil
}
