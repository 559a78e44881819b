package appspec

import (
	"errors"
	"fmt"
	"time"
)

// ErrNoCheck is why a health gate without anything to check is refused:
// it would pass every release, so a rollout could not stop a bad one.
var ErrNoCheck = errors.New("no health check: a rollout could not tell a good release from a bad one")

// checkExample is what ErrNoCheck's message suggests.
const checkExample = `checks: [{http: {url: "http://127.0.0.1:8080/healthz"}}]`

// Gate is the rule that a health gate can fail: it has at least one
// health check, or the Consul gate (consul.gate) with at least one Consul
// check to wait for. A Consul gate over no Consul check passes as soon as
// the instance is registered, which fleet does itself.
func Gate(checks int, consulGate bool, consulChecks int) error {
	switch {
	case checks > 0 || (consulGate && consulChecks > 0):
		return nil
	case consulGate:
		return fmt.Errorf("%w (the Consul gate has no Consul check to wait for); add one, e.g. %s", ErrNoCheck, checkExample)
	}
	return fmt.Errorf("%w; add one, e.g. %s", ErrNoCheck, checkExample)
}

// Positive is the rule for the gate's interval and deadline, and for
// durations where 0 would mean "never" or "spin".
func Positive(d time.Duration) error {
	if d <= 0 {
		return errors.New("must be greater than 0")
	}
	return nil
}

// MinHealthyTime is the rule for how long the checks must pass: not
// negative, and less than the deadline, or the gate could never pass.
func MinHealthyTime(minHealthy, deadline time.Duration) error {
	if minHealthy < 0 {
		return errors.New("must not be negative")
	}
	if minHealthy >= deadline {
		return fmt.Errorf("min_healthy_time (%s) must be less than healthy_deadline (%s)", minHealthy, deadline)
	}
	return nil
}

// Health drives the health gate: every Interval all Checks run; the gate
// passes once they have all passed continuously for MinHealthyTime, and
// fails if that has not happened by Deadline after the op started.
type Health struct {
	MinHealthyTime Duration `json:"min_healthy_time"`
	Deadline       Duration `json:"deadline"` // healthy_deadline in the inventory
	Interval       Duration `json:"interval"`
	Checks         []Check  `json:"checks"`
}

// Validate checks the gate's timing and every check. A spec without checks
// is valid here; the health op refuses it (Spec.Gate).
func (h Health) Validate() error {
	if err := Positive(h.Interval.Std()); err != nil {
		return fmt.Errorf("interval: %w", err)
	}
	if err := Positive(h.Deadline.Std()); err != nil {
		return fmt.Errorf("deadline: %w", err)
	}
	if err := MinHealthyTime(h.MinHealthyTime.Std(), h.Deadline.Std()); err != nil {
		return fmt.Errorf("min_healthy_time: %w", err)
	}
	for i, c := range h.Checks {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("check %d: %w", i, err)
		}
	}
	return nil
}

// UsesPort reports whether a check of h needs the instance's port.
func (h Health) UsesPort() bool {
	for _, c := range h.Checks {
		if c.usesPort() {
			return true
		}
	}
	return false
}

// ForPort returns h with PortPlaceholder replaced by port in every check.
// h's own slices are never modified.
func (h Health) ForPort(port int) Health {
	out := h
	out.Checks = make([]Check, len(h.Checks))
	for i, c := range h.Checks {
		out.Checks[i] = c.forPort(port)
	}
	return out
}
