package main

import "fmt"

// Exit codes; DESIGN.md and README.md document them.
const (
	exitOK          = 0
	exitRolledBack  = 1 // rollout failed, every changed host was rolled back
	exitMixed       = 2 // rollout failed, hosts left on mixed versions
	exitCannotStart = 3 // bad input, lock held, host unreachable before any change
	exitPaused      = 4 // paused after the canary, waiting for promote or rollback
	exitInterrupted = 130
)

// exitError carries the process exit code up to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

func withExit(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// exitStatus ends the command with code and nothing printed: an answer,
// not an error (plan --detailed-exitcode).
func exitStatus(code int) error { return &exitError{code: code} }
