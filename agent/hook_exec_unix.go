//go:build unix

package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
	"time"
)

// ExecHookRunner runs a hook as a process of its own: argv exec'd
// without a shell, as c.User through setuid/setgid credentials (with the
// user's groups; none when the agent already is that user, so an agent
// that is not root can run hooks as itself), in its own process group,
// which is killed when the timeout fires or ctx ends (the session went).
type ExecHookRunner struct{}

// hookWaitDelay bounds the wait for a hook's pipes after it was killed
// or exited: a child that escaped the group must not hold the op.
const hookWaitDelay = 2 * time.Second

// RunHook implements HookRunner.
func (ExecHookRunner) RunHook(ctx context.Context, c HookCommand, out io.Writer) error {
	cred, err := credentialOf(c.User)
	if err != nil {
		return err
	}
	tctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	cmd := exec.CommandContext(tctx, c.Argv[0], c.Argv[1:]...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = c.Dir, c.Env, out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: cred}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = hookWaitDelay
	err = cmd.Run()
	if err != nil && errors.Is(tctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		return errHookTimeout
	}
	if cmd.Process != nil {
		// A hook that exited 0 may have left children in its group.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	return err
}

// credentialOf looks name up in the host's user database; nil when the
// agent runs as that user already.
func credentialOf(name string) (*syscall.Credential, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", name, err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("user %s: %w", name, err)
	}
	if int(uid) == os.Getuid() && int(gid) == os.Getgid() {
		return nil, nil
	}
	var groups []uint32
	if ids, err := u.GroupIds(); err == nil {
		for _, g := range ids {
			if n, err := strconv.ParseUint(g, 10, 32); err == nil {
				groups = append(groups, uint32(n))
			}
		}
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: groups}, nil
}
