package transport

import (
	"context"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/ssh"
)

// Run runs cmd in a new session on the shared connection, copying stdin to
// it and its output to stdout and stderr (nil discards). It returns
// *ExitError for a non-zero exit. When ctx ends first, the command gets
// SIGTERM (servers that ignore signals see the session close instead) and
// Run returns ctx's error once the session's output copiers have stopped,
// so stdout and stderr are never written after Run returns.
func (c *Client) Run(ctx context.Context, cmd string, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("run %q: %w", cmd, err)
	}
	sess, err := c.newSession()
	if err != nil {
		return fmt.Errorf("run %q: new session: %w", cmd, err)
	}
	defer sess.Close()
	tail := &tailBuffer{max: stderrTailSize}
	sess.Stdin = stdin
	sess.Stdout = stdout
	sess.Stderr = tail
	if stderr != nil {
		sess.Stderr = io.MultiWriter(stderr, tail)
	}
	if err := sess.Start(cmd); err != nil {
		return fmt.Errorf("run %q: %w", cmd, err)
	}
	waited := make(chan error, 1)
	go func() { waited <- sess.Wait() }()
	select {
	case err = <-waited:
	case <-ctx.Done():
		_ = sess.Signal(ssh.SIGTERM)
		_ = sess.Close()
		// Wait returns once the channel is torn down; on a dead peer the
		// keepalive closes the connection, so this is bounded.
		<-waited
		return fmt.Errorf("run %q: %w", cmd, context.Cause(ctx))
	}
	if err = exitError(err, tail.String()); err != nil {
		return fmt.Errorf("run %q: %w", cmd, err)
	}
	return nil
}

// exitError converts x/crypto's exit error into ours; other errors (a lost
// connection, a missing exit status) pass through.
func exitError(err error, stderr string) error {
	var sshExit *ssh.ExitError
	if errors.As(err, &sshExit) {
		return &ExitError{Code: sshExit.ExitStatus(), Stderr: stderr}
	}
	return err
}
