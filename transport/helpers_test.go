package transport_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/transport"
	"github.com/fleetdeploy/fleet/transport/transporttest"
)

// shell is a tiny Exec handler that knows the commands these tests send.
func shell(ctx context.Context, cmd string, stdin io.Reader, stdout, stderr io.Writer) int {
	name, arg, _ := strings.Cut(cmd, " ")
	switch name {
	case "echo":
		fmt.Fprintln(stdout, arg)
		return 0
	case "cat":
		_, _ = io.Copy(stdout, stdin)
		return 0
	case "lines": // echoes stdin line by line, flushing each, until "bye"
		sc := bufio.NewScanner(stdin)
		for sc.Scan() {
			fmt.Fprintf(stdout, "got %s\n", sc.Text())
			if sc.Text() == "bye" {
				return 0
			}
		}
		return 0
	case "fail": // fail <code> <stderr text>
		code, msg, _ := strings.Cut(arg, " ")
		fmt.Fprintln(stderr, msg)
		n, _ := strconv.Atoi(code)
		return n
	case "flood": // writes n bytes of stderr, ending in "tail end\n"
		n, _ := strconv.Atoi(arg)
		_, _ = io.WriteString(stderr, strings.Repeat("x", n)+"tail end\n")
		return 1
	case "block":
		<-ctx.Done()
		return 130
	}
	fmt.Fprintf(stderr, "%s: command not found\n", name)
	return 127
}

// newServer starts a server running shell and returns it with a config that
// trusts it.
func newServer(t *testing.T, opts transporttest.ServerOptions) (*transporttest.Server, transport.Config) {
	t.Helper()
	if opts.Exec == nil {
		opts.Exec = shell
	}
	srv := transporttest.NewServer(t, opts)
	return srv, srv.ClientConfig(t)
}

// dial dials srv and closes the client when the test ends.
func dial(t *testing.T, srv *transporttest.Server, cfg transport.Config) *transport.Client {
	t.Helper()
	c, err := transport.Dial(testContext(t), srv.Addr, cfg)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// testContext bounds a test so that a hang fails instead of stalling CI.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// runOut runs cmd and returns its stdout.
func runOut(t *testing.T, c transport.Conn, cmd string) string {
	t.Helper()
	var out strings.Builder
	if err := c.Run(testContext(t), cmd, nil, &out, nil); err != nil {
		t.Fatalf("Run(%q): %v", cmd, err)
	}
	return out.String()
}
