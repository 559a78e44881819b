package cliargs

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// UsageError is a command line that cannot be read: nothing has started.
// It prints as one line that starts with the command ("fleet rollout: …"),
// and no help unless --help asks for it.
type UsageError struct {
	Cmd string // "fleet rollout"
	Msg string
}

func (e *UsageError) Error() string { return e.Cmd + ": " + e.Msg }

func usage(cmd, format string, args ...any) error {
	return &UsageError{Cmd: cmd, Msg: fmt.Sprintf(format, args...)}
}

// FlagError is a value a flag (or its environment variable) was given
// that the command cannot use. It names the flag, never where else the
// command's settings come from.
type FlagError struct {
	Flag  string // without dashes
	Value string
	Want  string // what the flag takes: "want a duration such as 30s or 2m"
	Err   error  // instead of Value and Want, when it names the value itself
}

func (e *FlagError) Error() string {
	if e.Err != nil {
		return Dashed(e.Flag) + ": " + e.Err.Error()
	}
	return fmt.Sprintf("%s %q: %s", Dashed(e.Flag), e.Value, e.Want)
}

func (e *FlagError) Unwrap() error { return e.Err }

// Dashed is a flag's name as typed on a command line: -a, --artifact.
func Dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// onUsageError turns urfave/cli's flag errors for the command cmd into one
// line: urfave would print the whole help first and name the flag with
// one dash.
func (cfg *Config) onUsageError(cmd string) cli.OnUsageErrorFunc {
	return func(c *cli.Context, err error, _ bool) error {
		return cfg.flagUsage(cmd, c.Command.Flags, err)
	}
}

// onRootUsageError is onUsageError for the app itself: a flag that only
// its commands have (commandFlags) is told where it goes.
func (cfg *Config) onRootUsageError(name string, commandFlags map[string]bool) cli.OnUsageErrorFunc {
	return func(c *cli.Context, err error, _ bool) error {
		if p, ok := readFlagError(err); ok && p.kind == flagUnknown && commandFlags[p.name] {
			return usage(name, "%s goes after the command name (%s <command> %s); see %s --help",
				Dashed(p.name), name, Dashed(p.name), name)
		}
		return cfg.flagUsage(name, c.Command.Flags, err)
	}
}

// flagUsage says what is wrong with a flag of cmd, and what it takes.
func (cfg *Config) flagUsage(cmd string, flags []cli.Flag, err error) error {
	p, ok := readFlagError(err)
	if !ok {
		return usage(cmd, "%v; see %s --help", err, cmd)
	}
	switch p.kind {
	case flagUnknown:
		return usage(cmd, "unknown flag %s%s; see %s --help", Dashed(p.name), cfg.suggestFlag(p.name, flags), cmd)
	case flagNoValue:
		return usage(cmd, "%s needs a value; see %s --help", Dashed(p.name), cmd)
	}
	want := wantOf(findFlag(flags, p.name))
	if p.env != "" {
		return usage(cmd, "%s %q (for %s): %s", p.env, p.value, Dashed(p.name), want)
	}
	return usage(cmd, "%s", (&FlagError{Flag: p.name, Value: p.value, Want: want}).Error())
}

// wantOf says what values a flag takes, by its type.
func wantOf(f cli.Flag) string {
	switch f.(type) {
	case *cli.DurationFlag:
		return "want a duration such as 30s or 2m"
	case *cli.IntFlag, *cli.Int64Flag, *cli.UintFlag, *cli.Uint64Flag:
		return "want a whole number"
	case *cli.Float64Flag:
		return "want a number"
	case *cli.BoolFlag:
		return "want true or false"
	}
	return "not a value this flag takes"
}

func findFlag(flags []cli.Flag, name string) cli.Flag {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return f
			}
		}
	}
	return nil
}

// suggest is cfg.Suggest, or nothing without one.
func (cfg *Config) suggest(word string, known []string) string {
	if cfg.Suggest == nil {
		return ""
	}
	return cfg.Suggest(word, known)
}

// suggestFlag is ` (did you mean "--limit"?)` for a mistyped flag, or "".
// One letter is too short to guess from.
func (cfg *Config) suggestFlag(name string, flags []cli.Flag) string {
	if len(name) < 2 {
		return ""
	}
	var known []string
	for _, f := range flags {
		for _, n := range f.Names() {
			if len(n) > 1 {
				known = append(known, Dashed(n))
			}
		}
	}
	return cfg.suggest(Dashed(name), known)
}

// unknownCommand refuses a word where cmd expects one of its commands.
func (cfg *Config) unknownCommand(cmd string, cmds []*cli.Command, word string) error {
	var known []string
	for _, c := range cmds {
		if !c.Hidden {
			known = append(known, c.Names()...)
		}
	}
	if s := cfg.suggest(word, known); s != "" {
		return usage(cmd, "unknown command %q%s", word, s)
	}
	return usage(cmd, "unknown command %q; see %s --help", word, cmd)
}
