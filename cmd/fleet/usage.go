package main

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/inventory"
)

// usageError is a command line fleet cannot read: nothing has started. It
// prints as one line that starts with the command ("fleet rollout: …"),
// and no help unless --help asks for it.
type usageError struct {
	cmd string // "fleet rollout"
	msg string
}

func (e *usageError) Error() string { return e.cmd + ": " + e.msg }

// usage is a usageError, exit 3.
func usage(cmd, format string, args ...any) error {
	return withExit(exitCannotStart, &usageError{cmd: cmd, msg: fmt.Sprintf(format, args...)})
}

// flagError is a value a flag (or its FLEET_ variable) was given that
// fleet cannot use. It names the flag, never the inventory.
type flagError struct {
	Flag  string // without dashes
	Value string
	Want  string // what the flag takes: "want a duration such as 30s or 2m"
	Err   error  // instead of Value and Want, when it names the value itself
}

func (e *flagError) Error() string {
	if e.Err != nil {
		return dashed(e.Flag) + ": " + e.Err.Error()
	}
	return fmt.Sprintf("%s %q: %s", dashed(e.Flag), e.Value, e.Want)
}

func (e *flagError) Unwrap() error { return e.Err }

// dashed is a flag's name as typed on a command line: -a, --artifact.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// onUsageError turns urfave/cli's flag errors for the command cmd into one
// line: urfave would print the whole help first and name the flag with
// one dash.
func onUsageError(cmd string) cli.OnUsageErrorFunc {
	return func(c *cli.Context, err error, _ bool) error {
		return flagUsage(cmd, c.Command.Flags, err)
	}
}

// onRootUsageError is onUsageError for fleet itself: a flag that only
// its commands have (commandFlags) is told where it goes.
func onRootUsageError(name string, commandFlags map[string]bool) cli.OnUsageErrorFunc {
	return func(c *cli.Context, err error, _ bool) error {
		if p, ok := readFlagError(err); ok && p.kind == flagUnknown && commandFlags[p.name] {
			return usage(name, "%s goes after the command name (%s <command> %s); see %s --help",
				dashed(p.name), name, dashed(p.name), name)
		}
		return flagUsage(name, c.Command.Flags, err)
	}
}

// flagUsage says what is wrong with a flag of cmd, and what it takes.
func flagUsage(cmd string, flags []cli.Flag, err error) error {
	p, ok := readFlagError(err)
	if !ok {
		return usage(cmd, "%v; see %s --help", err, cmd)
	}
	switch p.kind {
	case flagUnknown:
		return usage(cmd, "unknown flag %s%s; see %s --help", dashed(p.name), suggestFlag(p.name, flags), cmd)
	case flagNoValue:
		return usage(cmd, "%s needs a value; see %s --help", dashed(p.name), cmd)
	}
	want := wantOf(findFlag(flags, p.name))
	if p.env != "" {
		return usage(cmd, "%s %q (for %s): %s", p.env, p.value, dashed(p.name), want)
	}
	return withExit(exitCannotStart, &usageError{cmd: cmd, msg: (&flagError{Flag: p.name, Value: p.value, Want: want}).Error()})
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

// suggestFlag is ` (did you mean "--limit"?)` for a mistyped flag, or "".
// One letter is too short to guess from.
func suggestFlag(name string, flags []cli.Flag) string {
	if len(name) < 2 {
		return ""
	}
	var known []string
	for _, f := range flags {
		for _, n := range f.Names() {
			if len(n) > 1 {
				known = append(known, dashed(n))
			}
		}
	}
	return inventory.Suggest(dashed(name), known)
}

// unknownCommand refuses a word where cmd expects one of its commands.
func unknownCommand(cmd string, cmds []*cli.Command, word string) error {
	var known []string
	for _, c := range cmds {
		if !c.Hidden {
			known = append(known, c.Names()...)
		}
	}
	if s := inventory.Suggest(word, known); s != "" {
		return usage(cmd, "unknown command %q%s", word, s)
	}
	return usage(cmd, "unknown command %q; see %s --help", word, cmd)
}

// The kinds of flag errors readFlagError knows.
const (
	flagUnknown  = "unknown"
	flagNoValue  = "no value"
	flagBadValue = "bad value"
)

// flagProblem is a flag parse error taken apart.
type flagProblem struct {
	kind  string
	name  string // as typed, without dashes
	value string
	env   string // the variable the value came from, if not the command line
}

// quoted matches a %q string.
const quoted = `("(?:[^"\\]|\\.)*")`

var flagErrorsRE = []struct {
	kind string
	re   *regexp.Regexp
}{
	{flagUnknown, regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)},
	{flagNoValue, regexp.MustCompile(`^flag needs an argument: -+(.+)$`)},
	{flagBadValue, regexp.MustCompile(`^invalid value ` + quoted + ` for flag -+([^:]+): `)},
	{flagBadValue, regexp.MustCompile(`^invalid boolean value ` + quoted + ` for -+([^:]+): `)},
	{flagBadValue, regexp.MustCompile(`^could not parse ` + quoted + ` as \w+ value from environment variable "([^"]+)" for flag ([^:]+): `)},
}

// readFlagError takes apart the parse errors of the standard flag package
// (flag.FlagSet.failf) and of urfave/cli reading a FLEET_ variable. Both
// are plain strings, so this is the one place fleet reads an error's
// text; TestUsage_FlagErrors pins the formats, and an error in none of
// them is shown as it is.
func readFlagError(err error) (flagProblem, bool) {
	for _, f := range flagErrorsRE {
		m := f.re.FindStringSubmatch(err.Error())
		if m == nil {
			continue
		}
		p := flagProblem{kind: f.kind, name: m[len(m)-1]}
		if len(m) > 2 {
			v, uerr := strconv.Unquote(m[1])
			if uerr != nil {
				return flagProblem{}, false
			}
			p.value = v
		}
		if len(m) > 3 {
			p.env = m[2]
		}
		return p, true
	}
	return flagProblem{}, false
}
