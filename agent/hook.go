package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
)

// HookOutputMax bounds the output a hook run keeps (its last bytes): in
// the journal entry, the answer and the error. A journal op may return
// 1000 entries in one line the client reads up to 16 MiB.
const HookOutputMax = 8 << 10

// hookPath is the PATH a hook gets, the only variable besides FLEET_*:
// the agent's own environment (sudo's, the SSH user's) is not passed on.
const hookPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// HookCommand is a hook resolved for one run: what a HookRunner execs.
type HookCommand struct {
	Argv    []string // Argv[0] absolute
	Dir     string   // the release's directory
	Env     []string // the fixed environment (hookEnv)
	User    string   // who it runs as
	Timeout time.Duration
}

// HookRunner runs one hook's process, writing its stdout and stderr to
// out; a nil error is exit 0. ExecHookRunner is the real one (setuid,
// its own process group killed on timeout); tests give a fake.
type HookRunner interface {
	RunHook(ctx context.Context, c HookCommand, out io.Writer) error
}

// errHookTimeout is a hook killed by its timeout.
var errHookTimeout = errors.New("timed out")

// hook runs one of the spec's hooks (the controller names it; the argv,
// user and timeout are hello's) for release Version, which must be
// installed, and journals it with its output. A failure is hook_failed
// with the output's tail in the message.
func (s *session) hook(ctx context.Context, a HookArgs) (HookResult, error) {
	if err := s.checkHookArgs(a); err != nil {
		return HookResult{}, err
	}
	hk := s.spec.Hooks.Get(a.Hook)
	dir := s.layout.release(a.Version)
	if _, err := os.Stat(s.layout.releaseMeta(a.Version)); err != nil {
		return HookResult{}, errorf(CodeNotFound, "hook %s: release %s is not installed", a.Hook, a.Version)
	}
	c := HookCommand{
		Argv: append([]string{appspec.HookProgram(hk.Argv[0], dir)}, hk.Argv[1:]...),
		Dir:  dir, Env: s.hookEnv(a, dir), User: hk.RunUser(), Timeout: hk.RunTimeout(),
	}
	out := tailWriter{max: HookOutputMax}
	start := s.deps.Now()
	err := s.deps.Hooks.RunHook(ctx, c, &out)
	res := HookResult{Hook: a.Hook, Output: strings.ToValidUTF8(out.String(), "\uFFFD"), Duration: appspec.Duration(s.deps.Now().Sub(start))}
	if err != nil {
		err = hookError(a.Hook, c, err, res.Output)
	}
	s.journal(JournalEntry{Op: OpHook, Hook: a.Hook, Version: a.Version, From: a.Previous, Slot: a.Slot, Output: res.Output}, err)
	if err != nil {
		return res, err
	}
	s.log.Info("hook", "hook", a.Hook, keyVersion, a.Version, "took", res.Duration.Std())
	return res, nil
}

func (s *session) checkHookArgs(a HookArgs) error {
	if err := appspec.HookName(a.Hook); err != nil {
		return errorf(CodeBadRequest, "hook: name %w", err)
	}
	if s.spec.Hooks.Get(a.Hook) == nil {
		return errorf(CodeBadRequest, "hook: the app spec has no %s hook", a.Hook)
	}
	if err := ValidateVersion(a.Version); err != nil {
		return errorf(CodeBadRequest, "hook: version %w", err)
	}
	if a.Previous != "" {
		if err := ValidateVersion(a.Previous); err != nil {
			return errorf(CodeBadRequest, "hook: previous %w", err)
		}
	}
	if a.Slot != "" {
		if _, err := s.instance(OpHook, a.Slot); err != nil {
			return err
		}
	}
	if err := appspec.Name(a.Host); a.Host != "" && err != nil {
		return errorf(CodeBadRequest, "hook: host %w", err)
	}
	return nil
}

// hookEnv is the fixed environment of a hook: PATH and the FLEET_*
// variables, nothing inherited.
func (s *session) hookEnv(a HookArgs, dir string) []string {
	return []string{
		"PATH=" + hookPath,
		"FLEET_HOOK=" + a.Hook,
		"FLEET_VERSION=" + a.Version,
		"FLEET_PREVIOUS=" + a.Previous,
		"FLEET_RELEASE_DIR=" + dir,
		"FLEET_ROLLOUT_ID=" + s.ctrl.RolloutID,
		"FLEET_HOST=" + a.Host,
		"FLEET_SLOT=" + a.Slot,
	}
}

// hookError is a failed run as hook_failed: what ran, as whom, why, and
// the output's tail.
func hookError(name string, c HookCommand, err error, output string) error {
	if errors.Is(err, errHookTimeout) {
		err = fmt.Errorf("timed out after %s", c.Timeout)
	}
	msg := fmt.Sprintf("hook %s: %s (as %s): %v", name, c.Argv[0], c.User, err)
	if o := strings.TrimSpace(output); o != "" {
		msg += "; output:\n" + o
	}
	return &Error{Code: CodeHookFailed, Message: msg, cause: err}
}
