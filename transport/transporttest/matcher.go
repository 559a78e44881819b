package transporttest

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/fleetdeploy/fleet/transport"
)

// Matcher selects the commands a handler answers.
type Matcher struct {
	desc  string
	match func(cmd string) bool
}

func (m Matcher) String() string { return m.desc }

// Equal matches cmd exactly.
func Equal(cmd string) Matcher {
	return Matcher{desc: fmt.Sprintf("Equal(%q)", cmd), match: func(c string) bool { return c == cmd }}
}

// HasPrefix matches commands starting with prefix.
func HasPrefix(prefix string) Matcher {
	return Matcher{desc: fmt.Sprintf("HasPrefix(%q)", prefix), match: func(c string) bool { return strings.HasPrefix(c, prefix) }}
}

// Match matches commands against a regular expression; it panics on a bad
// pattern, which is a bug in the test.
func Match(pattern string) Matcher {
	re := regexp.MustCompile(pattern)
	return Matcher{desc: fmt.Sprintf("Match(%q)", pattern), match: re.MatchString}
}

// Any matches every command.
func Any() Matcher {
	return Matcher{desc: "Any()", match: func(string) bool { return true }}
}

// Handler answers a command run on a Conn, like transport.Conn.Run.
type Handler func(ctx context.Context, cmd string, stdin io.Reader, stdout, stderr io.Writer) error

// Reply succeeds, writing stdout.
func Reply(stdout string) Handler {
	return func(_ context.Context, _ string, _ io.Reader, w, _ io.Writer) error {
		if w != nil {
			_, _ = io.WriteString(w, stdout)
		}
		return nil
	}
}

// Exit fails with *transport.ExitError{code, stderr}, writing stderr too.
func Exit(code int, stderr string) Handler {
	return func(_ context.Context, _ string, _ io.Reader, _, w io.Writer) error {
		if w != nil {
			_, _ = io.WriteString(w, stderr)
		}
		return &transport.ExitError{Code: code, Stderr: stderr}
	}
}

// Fail returns err, as a broken connection would.
func Fail(err error) Handler {
	return func(context.Context, string, io.Reader, io.Writer, io.Writer) error { return err }
}
