package transport

import (
	"context"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/ssh"
)

// Process is a long-lived remote command, such as the host agent, running
// in its own session on the shared connection.
//
// Read Stdout and Stderr concurrently and steadily: SSH flow control makes
// the remote command block once an unread stream fills its window.
type Process struct {
	// Stdin's Close sends EOF to the command.
	Stdin  io.WriteCloser
	Stdout io.Reader
	Stderr io.Reader

	cmd  string
	sess *ssh.Session
	// ctx is kept, as exec.Cmd keeps its own, to tell a cancel from a
	// command that failed by itself when Wait returns.
	ctx  context.Context
	stop func() bool
}

// Start runs cmd in a new session and returns at once. ctx bounds the
// command's whole life: when it ends, the command gets SIGTERM and the
// session is closed.
func (c *Client) Start(ctx context.Context, cmd string) (*Process, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("start %q: %w", cmd, err)
	}
	sess, err := c.newSession()
	if err != nil {
		return nil, fmt.Errorf("start %q: new session: %w", cmd, err)
	}
	p := &Process{cmd: cmd, sess: sess, ctx: ctx}
	if err := p.pipes(); err != nil {
		sess.Close()
		return nil, fmt.Errorf("start %q: %w", cmd, err)
	}
	if err := sess.Start(cmd); err != nil {
		sess.Close()
		return nil, fmt.Errorf("start %q: %w", cmd, err)
	}
	p.stop = context.AfterFunc(ctx, func() {
		_ = sess.Signal(ssh.SIGTERM)
		_ = sess.Close()
	})
	return p, nil
}

func (p *Process) pipes() error {
	stdin, err := p.sess.StdinPipe()
	if err != nil {
		return err
	}
	p.Stdin = stdinPipe{stdin}
	if p.Stdout, err = p.sess.StdoutPipe(); err != nil {
		return err
	}
	p.Stderr, err = p.sess.StderrPipe()
	return err
}

// stdinPipe hides the io.EOF that closing stdin returns when the command
// has already exited: the caller wanted it closed, and it is.
type stdinPipe struct{ io.WriteCloser }

func (s stdinPipe) Close() error {
	if err := s.WriteCloser.Close(); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// Wait waits for the command to exit and releases the session. It returns
// *ExitError (with an empty Stderr: the caller reads stderr) for a non-zero
// exit, or ctx's error if Start's ctx ended first. Call it once.
func (p *Process) Wait() error {
	err := p.sess.Wait()
	p.stop()
	_ = p.sess.Close()
	if err != nil && p.ctx.Err() != nil {
		return fmt.Errorf("wait %q: %w", p.cmd, context.Cause(p.ctx))
	}
	if err = exitError(err, ""); err != nil {
		return fmt.Errorf("wait %q: %w", p.cmd, err)
	}
	return nil
}

// Close ends the session without waiting for the command; the remote side
// sees its stdin close and, unless it ignores that, exits.
func (p *Process) Close() error {
	p.stop()
	if err := p.sess.Close(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("close %q: %w", p.cmd, err)
	}
	return nil
}
