package inventory

import (
	"errors"
	"fmt"
)

// Why a pattern, or one of its terms, was refused; test with errors.Is.
var (
	ErrNoMatch    = errors.New("matches no host")
	ErrBadPattern = errors.New("bad pattern")
)

// PatternError is a --limit pattern, or one term of it, that selects no
// host or cannot be read. Err is ErrNoMatch or ErrBadPattern, Cause what
// the glob or regex parser said, if anything.
type PatternError struct {
	Pattern string // set when the whole pattern is at fault
	Term    string // the term as written, operator included
	Err     error
	Cause   error
	Msg     string // for people: "matches no host or group", with any hint
}

func (e *PatternError) Error() string {
	if e.Term == "" {
		return fmt.Sprintf("limit %q %s", e.Pattern, e.Msg)
	}
	if e.Cause != nil {
		return fmt.Sprintf("limit term %q: %s: %v", e.Term, e.Msg, e.Cause)
	}
	return fmt.Sprintf("limit term %q %s", e.Term, e.Msg)
}

// Unwrap exposes the sentinel and the parser's error.
func (e *PatternError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

func noMatch(t term, msg string) error {
	return &PatternError{Term: t.text, Err: ErrNoMatch, Msg: msg}
}

func badTerm(t term, msg string, cause error) error {
	return &PatternError{Term: t.text, Err: ErrBadPattern, Msg: msg, Cause: cause}
}
