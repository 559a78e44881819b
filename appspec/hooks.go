package appspec

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
)

// Hook names: where in a rollout a hook runs.
const (
	// HookBefore runs once per rollout, on one host, with the new release
	// staged there but not current (a database migration).
	HookBefore = "before"
	// HookAfter runs once per rollout, on the same host, once every
	// wave succeeded.
	HookAfter = "after"
	// HookBeforeStop runs on each host after its instance was drained,
	// before the switch.
	HookBeforeStop = "before_stop"
	// HookAfterStart runs on each host after the restart, before the
	// gate; its failure fails the host's step.
	HookAfterStart = "after_start"
)

// HookNames lists the hooks in the order a rollout runs them.
var HookNames = []string{HookBefore, HookBeforeStop, HookAfterStart, HookAfter}

// DefaultHookTimeout is a hook's timeout when none is written: long
// enough for a migration, short enough that a hung hook ends the step.
const DefaultHookTimeout = 5 * time.Minute

// MaxHookTimeout bounds a hook's timeout.
const MaxHookTimeout = time.Hour

// DefaultHookUser is who a hook runs as when no user is written: the
// agent's own user, as command checks run.
const DefaultHookUser = "root"

// Hooks are the commands a rollout runs on the hosts (app.hooks).
type Hooks struct {
	Before     *Hook `json:"before,omitempty"`
	After      *Hook `json:"after,omitempty"`
	BeforeStop *Hook `json:"before_stop,omitempty"`
	AfterStart *Hook `json:"after_start,omitempty"`

	// On names the inventory group whose first changing host (plan order)
	// runs before and after; "" the rollout's first canary host, or its
	// first changing host without a canary. The controller's.
	On string `json:"-"`
	// OnRollback runs before and after on a rollback too (fleet rollback
	// and the automatic one); before_stop and after_start always run.
	// The controller's.
	OnRollback bool `json:"-"`
}

// Hook is one command: exec'd without a shell as User, in the release's
// directory, killed (its process group) after Timeout.
type Hook struct {
	Argv    []string `json:"argv"`
	User    string   `json:"user,omitempty"`    // "": DefaultHookUser
	Timeout Duration `json:"timeout,omitempty"` // 0: DefaultHookTimeout
}

// Get returns the hook called name, nil when it is not set (or h is nil).
func (h *Hooks) Get(name string) *Hook {
	if h == nil {
		return nil
	}
	switch name {
	case HookBefore:
		return h.Before
	case HookAfter:
		return h.After
	case HookBeforeStop:
		return h.BeforeStop
	case HookAfterStart:
		return h.AfterStart
	}
	return nil
}

// RunUser is the user the hook runs as.
func (h Hook) RunUser() string {
	if h.User == "" {
		return DefaultHookUser
	}
	return h.User
}

// RunTimeout is the hook's timeout.
func (h Hook) RunTimeout() time.Duration {
	if h.Timeout == 0 {
		return DefaultHookTimeout
	}
	return h.Timeout.Std()
}

// HookName is the rule for a hook's name in the hook op.
func HookName(s string) error {
	for _, n := range HookNames {
		if s == n {
			return nil
		}
	}
	return fmt.Errorf("must be one of %s, got %q", strings.Join(HookNames, ", "), s)
}

// HookArgv is the rule for a hook's argv, exec'd without a shell: at
// least the program, which is an absolute, clean path, or a path inside
// the release (HookProgram); no argument holds NUL.
func HookArgv(argv []string) error {
	if len(argv) == 0 {
		return errors.New("must list the program and its arguments")
	}
	for i, a := range argv {
		if err := HookArg(i, a); err != nil {
			return fmt.Errorf("argv[%d] %w", i, err)
		}
	}
	return nil
}

// HookArg is the rule for argv[i] of a hook: Arg, except that the
// program may also be relative, naming a file inside the release (say
// the release's own binary); $PATH is never searched.
func HookArg(i int, s string) error {
	if i != 0 || strings.HasPrefix(s, "/") {
		return Arg(i, s)
	}
	if err := releasePath(s); err != nil {
		return fmt.Errorf("must be an absolute, clean path or a path inside the release (no shell, no $PATH): %w", err)
	}
	return nil
}

// HookProgram is argv[0] resolved: an absolute path as written, a
// relative one inside releaseDir.
func HookProgram(program, releaseDir string) string {
	if path.IsAbs(program) {
		return program
	}
	return path.Join(releaseDir, program)
}

// maxUser is the longest user name the rule accepts (useradd's limit).
const maxUser = 32

// UserName is the rule for the user a hook runs as: a POSIX-portable
// login name ([a-z_][a-z0-9_-]*, an optional trailing $), at most 32
// bytes; it must exist on the host when the hook runs.
func UserName(s string) error { return loginName(s, "user") }

// GroupName is the rule for a group name (app.shared's group): the same
// portable syntax as UserName; it must exist on the host when used.
func GroupName(s string) error { return loginName(s, "group") }

// loginName is UserName's rule; what ("user", "group") names the kind
// in its errors.
func loginName(s, what string) error {
	switch {
	case s == "":
		return errors.New("must not be empty")
	case len(s) > maxUser:
		return fmt.Errorf("must be at most %d characters", maxUser)
	}
	body := strings.TrimSuffix(s, "$")
	for i, r := range body {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (i > 0 && (r == '-' || (r >= '0' && r <= '9')))
		if !ok {
			return fmt.Errorf("must be a %s name like app or svc_hello ([a-z_][a-z0-9_-]*), got %q", what, s)
		}
	}
	if body == "" {
		return fmt.Errorf("must be a %s name, got %q", what, s)
	}
	return nil
}

// HookTimeout is the rule for a hook's timeout: more than 0, at most an
// hour.
func HookTimeout(d time.Duration) error {
	if d <= 0 || d > MaxHookTimeout {
		return fmt.Errorf("must be between 1s and %s, got %s", MaxHookTimeout, d)
	}
	return nil
}

// Validate checks every hook with the rules above.
func (h *Hooks) Validate() error {
	for _, name := range HookNames {
		hk := h.Get(name)
		if hk == nil {
			continue
		}
		if err := hk.validate(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func (h Hook) validate() error {
	if err := HookArgv(h.Argv); err != nil {
		return err
	}
	if h.User != "" {
		if err := UserName(h.User); err != nil {
			return fmt.Errorf("user: %w", err)
		}
	}
	if h.Timeout != 0 {
		if err := HookTimeout(h.Timeout.Std()); err != nil {
			return fmt.Errorf("timeout: %w", err)
		}
	}
	return nil
}
