// Package cliargs is fleet's extension of urfave/cli v2: commands that
// refuse the words they do not declare, read the flags after a word they
// take, and say what is wrong with a command line in one line.
//
// urfave/cli v2 stops reading flags at the first word that is not one and
// hands that word, and every flag after it, to the command as arguments:
// `fleet rollout … oops --limit lab1` ran on every host. Guard makes every
// command refuse the words its Spec does not give it, before its action
// (or anything else) runs, and read the flags after a word it takes.
//
// The errors are values, not exit codes: a command line that cannot be
// read is a *UsageError, the help shown in place of running is
// ErrHelpShown; the caller picks the exit codes.
package cliargs

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// Spec is what a command takes besides flags; the zero value is nothing.
type Spec struct {
	Usage string // for help and messages: "[VERSION]"
	Max   int    // at most this many words
	Flag  string // the words are another way to give this flag (a slice flag takes each)
}

// Config is what Guard needs besides the app.
type Config struct {
	// Specs declares the commands that take words, by their path below
	// the app ("rollback", "agent serve"). Every other command takes none.
	Specs map[string]Spec
	// Suggest is ` (did you mean "x"?)` for a mistyped word among the
	// known ones, or "": for commands and flags. Nil suggests nothing.
	Suggest func(word string, known []string) string
	// BoolFlag names a true/false flag for the hint on a stray "true" or
	// "false" ("yes": "as --yes=false").
	BoolFlag string
}

// ErrHelpShown ends a command that showed its help instead of running
// (--help after a word): nothing more to print.
var ErrHelpShown = errors.New("help shown")

// Guard gives every command of app its Spec and one-line usage errors,
// and refuses a word at the top that names no command before app.Action
// runs (with no app.Action, the app's help is shown).
func Guard(app *cli.App, cfg Config) {
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
			g := &guard{cmd: app.Name + " " + name, spec: cfg.Specs[name], cfg: &cfg, parent: len(c.Subcommands) > 0,
				flags: len(c.Flags) > 0, required: unrequire(c.Flags)}
			if g.spec.Usage != "" {
				c.ArgsUsage = g.spec.Usage
			}
			c.OnUsageError = cfg.onUsageError(g.cmd)
			c.Before = g.before(c.Before)
			walk(name, c.Subcommands)
		}
	}
	walk("", app.Commands)
	app.OnUsageError = cfg.onRootUsageError(app.Name, flags)
	app.Action = cfg.rootAction(app.Action)
}

// rootAction is next, after a word that names no command was refused.
func (cfg *Config) rootAction(next cli.ActionFunc) cli.ActionFunc {
	return func(c *cli.Context) error {
		switch {
		case c.Args().Present():
			return cfg.unknownCommand(c.App.Name, c.App.Commands, c.Args().First())
		case next != nil:
			return next(c)
		}
		return cli.ShowAppHelp(c)
	}
}

// guard checks one command's words and required flags before it runs.
type guard struct {
	cmd    string // "fleet rollback"
	spec   Spec
	cfg    *Config
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
		return g.cfg.unknownCommand(g.cmd, c.Command.Subcommands, first)
	case g.parent:
		return nil
	}
	words, err := g.words(c)
	if err != nil {
		return err
	}
	if c.Bool("help") { // a --help after a word
		_ = cli.ShowCommandHelp(c.Lineage()[1], c.Command.Name)
		return ErrHelpShown
	}
	if err := g.bind(c, words); err != nil {
		return err
	}
	for _, name := range g.required {
		if !c.IsSet(name) {
			return usage(g.cmd, "%s is required; see %s --help", Dashed(name), g.cmd)
		}
	}
	return nil
}

// words returns the command's words, at most spec.Max of them, and reads
// the flags after each into c.
func (g *guard) words(c *cli.Context) ([]string, error) {
	var words []string
	rest := c.Args().Slice()
	for len(rest) > 0 {
		if len(words) == g.spec.Max {
			return nil, g.unexpected(rest[0])
		}
		words = append(words, rest[0])
		var err error
		if rest, err = reparse(c, rest[1:]); err != nil {
			return nil, g.cfg.flagUsage(g.cmd, c.Command.Flags, err)
		}
	}
	return words, nil
}

func (g *guard) unexpected(word string) error {
	hint := ""
	if word == "true" || word == "false" {
		hint = " (a true/false flag takes its value after ="
		if g.cfg.BoolFlag != "" {
			hint += fmt.Sprintf(", as %s=%s", Dashed(g.cfg.BoolFlag), word)
		}
		hint += ")"
	}
	switch {
	case g.spec.Max == 0 && !g.flags:
		return usage(g.cmd, "unexpected argument %q%s: this command takes no arguments; see %s --help", word, hint, g.cmd)
	case g.spec.Max == 0:
		return usage(g.cmd, "unexpected argument %q%s: this command takes no arguments, only flags (--name value); see %s --help",
			word, hint, g.cmd)
	}
	return usage(g.cmd, "unexpected argument %q%s: this command takes %s and flags, before or after it; see %s --help",
		word, hint, g.spec.Usage, g.cmd)
}

// bind makes the words the value of spec.Flag (each a value of a slice
// flag); giving both is an error.
func (g *guard) bind(c *cli.Context, words []string) error {
	if g.spec.Flag == "" || len(words) == 0 {
		return nil
	}
	if c.IsSet(g.spec.Flag) {
		from := Dashed(g.spec.Flag)
		if env := envVars(findFlag(c.Command.Flags, g.spec.Flag)); env != "" {
			from += " (or " + env + ")"
		}
		given := c.String(g.spec.Flag)
		if s := c.StringSlice(g.spec.Flag); len(s) > 0 {
			given = strings.Join(s, ",")
		}
		return usage(g.cmd, "%q and %s %q both given; give one", words[0], from, given)
	}
	for _, w := range words {
		if err := c.Set(g.spec.Flag, w); err != nil {
			return err
		}
	}
	return nil
}

func envVars(f cli.Flag) string {
	if df, ok := f.(cli.DocGenerationFlag); ok {
		return strings.Join(df.GetEnvVars(), ", ")
	}
	return ""
}
