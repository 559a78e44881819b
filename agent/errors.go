package agent

import (
	"context"
	"errors"
	"fmt"
)

// Code classifies an agent error. The set is closed and part of the wire
// contract. A Code is itself an error, so callers can test
// errors.Is(err, agent.CodeLockHeld) without package-level sentinels.
type Code string

// The error codes.
const (
	CodeBadRequest       Code = "bad_request"
	CodeLockHeld         Code = "lock_held"
	CodeChecksumMismatch Code = "checksum_mismatch"
	CodeVersionConflict  Code = "version_conflict"
	CodeNotFound         Code = "not_found"
	CodeUnitFailed       Code = "unit_failed"
	CodeStartLimitHit    Code = "start_limit_hit"
	CodeUnhealthy        Code = "unhealthy"
	CodeIO               Code = "io"
	CodeInternal         Code = "internal"
	// CodeConsulUnavailable: the host's local Consul agent could not be
	// reached, or refused a call (the message says which). Ops check
	// Consul before they change anything, so a rollout can refuse a host
	// it could not drain.
	CodeConsulUnavailable Code = "consul_unavailable"
	CodeNoSpace           Code = "no_space"
	// CodeSessionExpired: the agent ended the session because the
	// controller sent nothing, not even a heartbeat, for its idle timeout
	// (idle.go); the op in flight was cancelled and the lock released. A
	// controller that was stopped reads it when it resumes.
	CodeSessionExpired Code = "session_expired"
	// CodeFetchFailed: the fetch op could not download the artifact (an
	// HTTP status, the network, a timeout; the message names the URL
	// redacted).
	CodeFetchFailed Code = "fetch_failed"
	// CodeHookFailed: a hook exited non-zero, timed out or could not
	// start (its user, its program); the message has its output's tail.
	CodeHookFailed Code = "hook_failed"
)

// Error implements error so a Code works as a sentinel.
func (c Code) Error() string { return string(c) }

// Known reports whether c is one of the codes above.
func (c Code) Known() bool {
	switch c {
	case CodeBadRequest, CodeLockHeld, CodeChecksumMismatch, CodeVersionConflict,
		CodeNotFound, CodeUnitFailed, CodeStartLimitHit, CodeUnhealthy, CodeIO, CodeInternal,
		CodeConsulUnavailable, CodeNoSpace, CodeSessionExpired, CodeFetchFailed, CodeHookFailed:
		return true
	}
	return false
}

// Error is a failed op, on both sides of the wire. Holder is set for
// lock_held, Journal (the unit's last log lines) for unit_failed and
// start_limit_hit.
type Error struct {
	Code    Code
	Message string
	Holder  *Holder
	Journal []string

	cause error // agent side only; never sent
}

func (e *Error) Error() string {
	return string(e.Code) + ": " + e.Message
}

// Is matches a bare Code, so errors.Is(err, CodeUnhealthy) works.
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && c == e.Code
}

// Unwrap exposes the agent-side cause (nil on the client side).
func (e *Error) Unwrap() error { return e.cause }

// errorf builds an *Error; a %w verb in format becomes its cause.
func errorf(code Code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), cause: errors.Unwrap(err)}
}

// consulError wraps a Registry failure as code consul_unavailable.
func consulError(op Op, err error) *Error {
	return &Error{Code: CodeConsulUnavailable, Message: string(op) + ": " + err.Error(), cause: err}
}

// ioError wraps a filesystem failure as code io.
func ioError(op string, err error) *Error {
	return &Error{Code: CodeIO, Message: op + ": " + err.Error(), cause: err}
}

// toWire turns any handler error into its wire form. Anything that is not
// already an *Error is an internal error, except cancellation, which says
// so plainly.
func toWire(err error) *WireError {
	var e *Error
	if errors.As(err, &e) {
		return &WireError{Code: e.Code, Message: e.Message, Holder: e.Holder, Journal: e.Journal}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &WireError{Code: CodeInternal, Message: "cancelled: " + err.Error()}
	}
	return &WireError{Code: CodeInternal, Message: err.Error()}
}

// fromWire is the client's inverse of toWire. An unknown code from a newer
// agent is kept as is; errors.Is against known codes then simply fails.
func fromWire(w *WireError) *Error {
	return &Error{Code: w.Code, Message: w.Message, Holder: w.Holder, Journal: w.Journal}
}
