package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"
)

// urfave/cli v2 stops reading flags at the first word that is not one and
// hands that word, and every flag after it, to the command as arguments:
// `fleet rollout … oops --limit lab1` ran on every host. So every command
// refuses the words commandArgs does not give it, before it reads the
// inventory or contacts a host, and reads the flags after a word it takes.

// argSpec is what a command takes besides flags; the zero value is nothing.
type argSpec struct {
	usage string // for help and messages: "[VERSION]"
	max   int    // at most this many words
	flag  string // the word is another way to give this flag
}

// commandArgs declares the commands that take words, by their path below
// fleet. Every other command takes none.
func commandArgs() map[string]argSpec {
	return map[string]argSpec{
		"rollback":   {usage: "[VERSION]", max: 1, flag: "to"}, // fleet rollback v2 = fleet rollback --to v2
		"completion": {usage: "bash|zsh", max: 1},
	}
}

// guardCommands gives every command of app its argSpec and one-line usage
// errors (usage.go).
func guardCommands(app *cli.App) {
	specs := commandArgs()
	flags := map[string]bool{}
	var walk func(path string, cmds []*cli.Command)
	walk = func(path string, cmds []*cli.Command) {
		for _, c := range cmds {
			for _, f := range c.Flags {
				for _, n := range f.Names() {
					flags[n] = true
				}
			}
			name := strings.TrimPrefix(path+" "+c.Name, " ")
			g := &guard{cmd: app.Name + " " + name, spec: specs[name], parent: len(c.Subcommands) > 0,
				flags: len(c.Flags) > 0, required: unrequire(c.Flags)}
			if g.spec.usage != "" {
				c.ArgsUsage = g.spec.usage
			}
			c.OnUsageError = onUsageError(g.cmd)
			c.Before = g.before(c.Before)
			walk(name, c.Subcommands)
		}
	}
	walk("", app.Commands)
	app.OnUsageError = onRootUsageError(app.Name, flags)
}

// guard checks one command's words and required flags before it runs.
type guard struct {
	cmd    string // "fleet rollback"
	spec   argSpec
	parent bool // the words name its subcommands
	flags  bool // it has flags of its own
	// required flags are checked here, after the words: urfave/cli would
	// print the help, and blame a flag that only came after a stray word.
	required []string
}

func (g *guard) before(next cli.BeforeFunc) cli.BeforeFunc {
	return func(c *cli.Context) error {
		if err := g.check(c); err != nil {
			return err
		}
		if next != nil {
			return next(c)
		}
		return nil
	}
}

func (g *guard) check(c *cli.Context) error {
	first := c.Args().First()
	switch {
	case c.Args().Present() && c.Command.Command(first) != nil:
		return nil // a subcommand, or help: urfave/cli runs it next
	case g.parent && c.Args().Present():
		return unknownCommand(g.cmd, c.Command.Subcommands, first)
	case g.parent:
		return nil
	}
	words, err := g.words(c)
	if err != nil {
		return err
	}
	if c.Bool("help") { // a --help after a word
		_ = cli.ShowCommandHelp(c.Lineage()[1], c.Command.Name)
		return exitStatus(exitOK)
	}
	if err := g.bind(c, words); err != nil {
		return err
	}
	for _, name := range g.required {
		if !c.IsSet(name) {
			return usage(g.cmd, "%s is required; see %s --help", dashed(name), g.cmd)
		}
	}
	return nil
}

// words returns the command's words, at most spec.max of them, and reads
// the flags after each into c.
func (g *guard) words(c *cli.Context) ([]string, error) {
	var words []string
	rest := c.Args().Slice()
	for len(rest) > 0 {
		if len(words) == g.spec.max {
			return nil, g.unexpected(rest[0])
		}
		words = append(words, rest[0])
		var err error
		if rest, err = reparse(c, rest[1:]); err != nil {
			return nil, flagUsage(g.cmd, c.Command.Flags, err)
		}
	}
	return words, nil
}

func (g *guard) unexpected(word string) error {
	hint := ""
	if word == "true" || word == "false" {
		hint = fmt.Sprintf(" (a true/false flag takes its value after =, as --yes=%s)", word)
	}
	switch {
	case g.spec.max == 0 && !g.flags:
		return usage(g.cmd, "unexpected argument %q%s: this command takes no arguments; see %s --help", word, hint, g.cmd)
	case g.spec.max == 0:
		return usage(g.cmd, "unexpected argument %q%s: this command takes no arguments, only flags (--name value); see %s --help",
			word, hint, g.cmd)
	}
	return usage(g.cmd, "unexpected argument %q%s: this command takes %s and flags, before or after it; see %s --help",
		word, hint, g.spec.usage, g.cmd)
}

// bind makes the word the value of spec.flag; giving both is an error.
func (g *guard) bind(c *cli.Context, words []string) error {
	if g.spec.flag == "" || len(words) == 0 {
		return nil
	}
	if c.IsSet(g.spec.flag) {
		from := dashed(g.spec.flag)
		if env := envVars(findFlag(c.Command.Flags, g.spec.flag)); env != "" {
			from += " (or " + env + ")"
		}
		return usage(g.cmd, "%q and %s %q both given; give one", words[0], from, c.String(g.spec.flag))
	}
	return c.Set(g.spec.flag, words[0])
}

func envVars(f cli.Flag) string {
	if df, ok := f.(cli.DocGenerationFlag); ok {
		return strings.Join(df.GetEnvVars(), ", ")
	}
	return ""
}

// reparse reads the flags at the start of args into c, as urfave/cli does
// with the flags before the first word, and returns the rest from the next
// word on.
func reparse(c *cli.Context, args []string) ([]string, error) {
	set := flag.NewFlagSet(c.Command.Name, flag.ContinueOnError)
	set.SetOutput(io.Discard)
	for _, f := range c.Command.Flags {
		v := &contextValue{c: c, names: f.Names(), isBool: !takesValue(f)}
		for _, n := range f.Names() {
			set.Var(v, n, "")
		}
	}
	if err := set.Parse(args); err != nil {
		return nil, err
	}
	return set.Args(), nil
}

func takesValue(f cli.Flag) bool {
	tv, ok := f.(interface{ TakesValue() bool })
	return !ok || tv.TakesValue()
}

// contextValue is a flag.Value that sets the command's own flag (every
// one of its names, as urfave/cli does), so a value is checked as it
// would have been before the word.
type contextValue struct {
	c      *cli.Context
	names  []string
	isBool bool
}

func (v *contextValue) String() string { return "" }

func (v *contextValue) IsBoolFlag() bool { return v.isBool }

func (v *contextValue) Set(s string) error {
	for _, n := range v.names {
		if err := v.c.Set(n, s); err != nil {
			return err
		}
	}
	return nil
}

// unrequire takes urfave/cli's required-flag check off flags and returns
// their names, for guard to check after the words.
func unrequire(flags []cli.Flag) []string {
	var names []string
	for _, f := range flags {
		if rf, ok := f.(cli.RequiredFlag); !ok || !rf.IsRequired() {
			continue
		}
		names = append(names, f.Names()[0])
		switch f := f.(type) {
		case *cli.StringFlag:
			f.Required = false
		case *cli.PathFlag:
			f.Required = false
		case *cli.BoolFlag:
			f.Required = false
		case *cli.IntFlag:
			f.Required = false
		case *cli.DurationFlag:
			f.Required = false
		case *cli.StringSliceFlag:
			f.Required = false
		}
	}
	return names
}
