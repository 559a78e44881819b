package transport

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

const (
	// proxyGrace is how long Close lets a proxy command end by itself after
	// its stdin closes, and again after SIGHUP, before killing it.
	proxyGrace = 500 * time.Millisecond
	// proxyWaitDelay bounds the wait for the command's stderr to close
	// once it has exited: a child it leaves behind (an ssh ControlMaster)
	// may hold stderr open for minutes.
	proxyWaitDelay = time.Second
)

// proxyConn is a net.Conn over a proxy command's stdin and stdout. The
// command lives as long as the connection: Close ends it and reaps it.
type proxyConn struct {
	command string
	cmd     *exec.Cmd
	r       *os.File // the command's stdout
	w       *os.File // the command's stdin
	stderr  *tailBuffer
	remote  proxyAddr

	exited    chan struct{} // closed once cmd.Wait has returned
	closeOnce sync.Once
	stopped   bool // Close had to signal the command; set inside closeOnce
}

// newProxyConn starts cmd with pipes of its own for stdin and stdout:
// os.Pipe ends are pollable, so Read and Write honour deadlines and Close
// unblocks them, which exec.Cmd's StdoutPipe (closed by Wait) would not
// allow while a reaper waits for the command.
func newProxyConn(cmd *exec.Cmd, command, addr string) (*proxyConn, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	c := &proxyConn{
		command: command,
		cmd:     cmd,
		r:       outR,
		w:       inW,
		stderr:  &tailBuffer{max: stderrTailSize},
		remote:  proxyAddr(addr),
		exited:  make(chan struct{}),
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, c.stderr
	cmd.WaitDelay = proxyWaitDelay
	cmd.SysProcAttr = proxySysProcAttr()
	err = cmd.Start()
	// The command holds its own copies of these ends; ours must go so that
	// its exit is an EOF here.
	inR.Close()
	outW.Close()
	if err != nil {
		outR.Close()
		inW.Close()
		return nil, err
	}
	// Reap as soon as it exits, whether or not Close is ever called.
	go func() {
		_ = cmd.Wait() // the status is read from ProcessState
		close(c.exited)
	}()
	return c, nil
}

func (c *proxyConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c *proxyConn) Write(p []byte) (int, error) { return c.w.Write(p) }

func (c *proxyConn) LocalAddr() net.Addr  { return proxyAddr("pipe") }
func (c *proxyConn) RemoteAddr() net.Addr { return c.remote }

func (c *proxyConn) SetDeadline(t time.Time) error {
	return errors.Join(c.r.SetDeadline(t), c.w.SetDeadline(t))
}
func (c *proxyConn) SetReadDeadline(t time.Time) error  { return c.r.SetReadDeadline(t) }
func (c *proxyConn) SetWriteDeadline(t time.Time) error { return c.w.SetWriteDeadline(t) }

// Close closes the pipes and ends the command the way ssh does when it
// exits: EOF on stdin first (most proxies then close their session
// cleanly), SIGHUP, and SIGKILL for one that ignores both. It returns once
// the command is reaped; concurrent calls wait for the first.
func (c *proxyConn) Close() error {
	c.closeOnce.Do(func() {
		_ = c.w.Close()
		_ = c.r.Close()
		if c.waitExit(proxyGrace) {
			return
		}
		c.stopped = true
		// SIGHUP is what ssh sends its ProxyCommand; where signals do not
		// exist the error just means we go straight to Kill.
		if c.cmd.Process.Signal(syscall.SIGHUP) == nil && c.waitExit(proxyGrace) {
			return
		}
		_ = c.cmd.Process.Kill()
		<-c.exited
	})
	return nil
}

// waitExit reports whether the command is reaped within d.
func (c *proxyConn) waitExit(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c.exited:
		return true
	case <-t.C:
		return false
	}
}

// failure ends the command and turns err, why the SSH connection over it
// failed, into a *ProxyCommandError with the command's status and stderr.
// A command the shell could not find or run (126, 127) is a configuration
// error; any other failure may be transient, like a refused TCP connect,
// and is left to the Dialer's bounded retries.
func (c *proxyConn) failure(ctx context.Context, err error) error {
	_ = c.Close()
	e := &ProxyCommandError{Command: c.command, ExitCode: -1, Stderr: c.stderr.String(), Err: err}
	if !c.stopped && ctx.Err() == nil {
		// It ended by itself (or on the EOF we sent): its status is its
		// own. Once ctx is done, we are the reason it ended.
		e.ExitCode = c.cmd.ProcessState.ExitCode()
	}
	if e.ExitCode == 126 || e.ExitCode == 127 {
		return nonRetryable(e)
	}
	return e
}

// proxyAddr stands in for the addresses of a pipe. The remote one is the
// "host:port" dialled, which knownhosts parses even though it checks the
// host name it is given.
type proxyAddr string

func (a proxyAddr) Network() string { return "proxycommand" }
func (a proxyAddr) String() string  { return string(a) }
