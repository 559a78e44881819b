package cliargs

import (
	"flag"
	"io"

	"github.com/urfave/cli/v2"
)

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
// their names, for guard to check after the words. A required flag of a
// type not listed here stays required for urfave/cli.
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
