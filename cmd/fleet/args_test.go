package main

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/internal/cliargs"
)

// argSamples is a word each command that takes words accepts.
var argSamples = map[string]string{"rollback": "v2", "completion": "bash", "init": "web1"}

// command is one command of newApp, with its path below fleet.
type command struct {
	path string // "agent serve"
	cmd  *cli.Command
}

func allCommands() []command {
	var out []command
	var walk func(path string, cmds []*cli.Command)
	walk = func(path string, cmds []*cli.Command) {
		for _, c := range cmds {
			p := strings.TrimPrefix(path+" "+c.Name, " ")
			out = append(out, command{p, c})
			walk(p, c.Subcommands)
		}
	}
	walk("", newApp().Commands)
	return out
}

// findFlag is the flag of flags with the name, or nil.
func findFlag(flags []cli.Flag, name string) cli.Flag {
	for _, f := range flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

// ran is what a recorded action saw: the flags set, with their values.
type ran struct {
	cmd   string
	flags map[string]string
}

// runRecorded runs args on newApp with every action replaced by one that
// records: a refused command line must never reach one.
func runRecorded(t *testing.T, args ...string) (result, []ran) {
	t.Helper()
	app := newApp()
	var got []ran
	var walk func(path string, cmds []*cli.Command)
	walk = func(path string, cmds []*cli.Command) {
		for _, c := range cmds {
			p := strings.TrimPrefix(path+" "+c.Name, " ")
			if len(c.Subcommands) == 0 {
				c.Action = func(ctx *cli.Context) error {
					r := ran{cmd: p, flags: map[string]string{}}
					for _, f := range ctx.Command.Flags {
						if n := f.Names()[0]; ctx.IsSet(n) {
							r.flags[n] = fmt.Sprint(ctx.Value(n))
						}
					}
					got = append(got, r)
					return nil
				}
			}
			walk(p, c.Subcommands)
		}
	}
	walk("", app.Commands)
	var stdout, stderr lockedBuffer
	code := runApp(t.Context(), app, args, nil, &stdout, &stderr)
	return result{args: args, code: code, stdout: stdout.String(), stderr: stderr.String()}, got
}

// flagValue is a value each kind of flag takes, as given and as read back.
func flagValue(t *testing.T, f cli.Flag) (given, read string) {
	t.Helper()
	switch f.(type) {
	case *cli.StringFlag:
		return "val", "val"
	case *cli.DurationFlag:
		return "90s", (90 * time.Second).String()
	case *cli.IntFlag:
		return "7", "7"
	case *cli.BoolFlag:
		return "", "true"
	case *cli.StringSliceFlag:
		return "val", "[val]"
	}
	t.Fatalf("flag %v: a %T; teach flagValue its values", f.Names(), f)
	return "", ""
}

// TestArgs_EveryCommandRefusesAStrayWord: `fleet <cmd> [word it takes]
// oops --<flag> [value]`, for every command and every name of every
// flag, exits 3 with one line about "oops" before it reads the inventory
// (a path that does not exist), and never reaches the command's action.
func TestArgs_EveryCommandRefusesAStrayWord(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-fleet.yaml")
	for _, c := range allCommands() {
		base := append([]string{"fleet"}, strings.Fields(c.path)...)
		if findFlag(c.cmd.Flags, "inventory") != nil {
			base = append(base, "-i", missing)
		}
		if commandArgs()[c.path].Max == math.MaxInt {
			continue // it takes any number of words (fleet init's hosts): none is stray
		}
		want := fmt.Sprintf("fleet %s: unexpected argument %q", c.path, "oops")
		if len(c.cmd.Subcommands) > 0 {
			want = fmt.Sprintf("fleet %s: unknown command %q", c.path, "oops")
		} else if s, ok := argSamples[c.path]; ok {
			base = append(base, s)
		}
		lines := [][]string{append(slices.Clone(base), "oops")}
		for _, f := range c.cmd.Flags {
			given, _ := flagValue(t, f)
			for _, n := range f.Names() {
				lines = append(lines, append(slices.Clone(base), "oops", cliargs.Dashed(n)))
				if given != "" {
					lines = append(lines, append(slices.Clone(base), "oops", cliargs.Dashed(n), given))
				}
			}
		}
		for _, args := range lines {
			r := runArgs(t.Context(), args)
			line := strings.Join(args, " ")
			if r.code != exitCannotStart || !strings.HasPrefix(r.stderr, want) || strings.Count(r.stderr, "\n") != 1 || r.stdout != "" {
				t.Errorf("%s: exit %d, want 3 and one line %q…\nstdout: %s\nstderr: %s", line, r.code, want, r.stdout, r.stderr)
			}
			if strings.Contains(r.stderr, missing) || strings.Contains(r.stderr, "no such file") {
				t.Errorf("%s: read the inventory: %s", line, r.stderr)
			}
			if _, got := runRecorded(t, args...); len(got) != 0 {
				t.Errorf("%s: reached the action: %+v", line, got)
			}
		}
	}
}

// TestArgs_FlagsAfterAWordAreRead: a flag after a word the command takes
// has its value, as it would before the word.
func TestArgs_FlagsAfterAWordAreRead(t *testing.T) {
	for _, c := range allCommands() {
		sample, ok := argSamples[c.path]
		if !ok {
			continue
		}
		for _, f := range c.cmd.Flags {
			given, read := flagValue(t, f)
			name := f.Names()[0]
			for _, n := range f.Names() {
				args := append(append([]string{"fleet"}, strings.Fields(c.path)...), sample, cliargs.Dashed(n))
				if given != "" {
					args = append(args, given)
				}
				r, got := runRecorded(t, args...)
				line := strings.Join(args, " ")
				if spec := commandArgs()[c.path]; spec.Flag == name {
					if r.code != exitCannotStart || !strings.Contains(r.stderr, "both given") || len(got) != 0 {
						t.Errorf("%s: exit %d, ran %+v, stderr %s; want refused", line, r.code, got, r.stderr)
					}
					continue
				}
				if r.code != exitOK || len(got) != 1 || got[0].flags[name] != read {
					t.Errorf("%s: exit %d, ran %+v, want --%s %q\n%s", line, r.code, got, name, read, r.stderr)
				}
			}
		}
	}
}

func TestArgs_RollbackVersion(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   string // FLEET_ROLLBACK_TO
		args  []string
		code  int
		flags map[string]string // the action's, when it runs
		err   string
	}{
		{name: "VersionIsTo", args: []string{"v2"}, flags: map[string]string{"to": "v2"}},
		{name: "FlagsAfter", args: []string{"v2", "--limit", "lab1", "-y"}, flags: map[string]string{"to": "v2", "limit": "lab1", "yes": "true"}},
		{name: "FlagsAround", args: []string{"-l", "lab1", "v2", "--max-unavailable=2"}, flags: map[string]string{"to": "v2", "limit": "lab1", "max-unavailable": "2"}},
		{name: "ToStillWorks", args: []string{"--to", "v1"}, flags: map[string]string{"to": "v1"}},
		{name: "Both", args: []string{"--to", "v1", "v2"}, code: exitCannotStart,
			err: `fleet rollback: "v2" and --to (or FLEET_ROLLBACK_TO) "v1" both given; give one`},
		{name: "BothAfter", args: []string{"v2", "--to", "v1"}, code: exitCannotStart, err: "both given"},
		{name: "BothFromEnv", env: "v1", args: []string{"v2"}, code: exitCannotStart, err: "both given"},
		{name: "EnvAlone", env: "v1", args: nil, flags: map[string]string{"to": "v1"}},
		{name: "TwoWords", args: []string{"v2", "v3"}, code: exitCannotStart,
			err: `fleet rollback: unexpected argument "v3": this command takes [VERSION] and flags, before or after it; see fleet rollback --help`},
		{name: "WordAfterFlags", args: []string{"v2", "--limit", "lab1", "oops"}, code: exitCannotStart, err: `unexpected argument "oops"`},
		{name: "BadFlagAfter", args: []string{"v2", "--yes=maybe"}, code: exitCannotStart, err: `fleet rollback: --yes "maybe": want true or false`},
		{name: "UnknownFlagAfter", args: []string{"v2", "--limt", "x"}, code: exitCannotStart,
			err: `fleet rollback: unknown flag --limt (did you mean "--limit"?); see fleet rollback --help`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("FLEET_ROLLBACK_TO", tc.env)
			}
			r, got := runRecorded(t, append([]string{"fleet", "rollback"}, tc.args...)...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tc.code, r.stderr)
			}
			if tc.code != exitOK {
				if len(got) != 0 || !strings.Contains(r.stderr, tc.err) || strings.Count(r.stderr, "\n") != 1 {
					t.Errorf("ran %+v; stderr %q, want one line with %q", got, r.stderr, tc.err)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("ran %+v", got)
			}
			for k, v := range tc.flags {
				if got[0].flags[k] != v {
					t.Errorf("--%s = %q, want %q (all: %v)", k, got[0].flags[k], v, got[0].flags)
				}
			}
		})
	}
}

// TestArgs_HelpAfterAWord: --help after a word the command takes shows the
// help and runs nothing; help stays where it was.
func TestArgs_HelpAfterAWord(t *testing.T) {
	for _, args := range [][]string{
		{"fleet", "rollback", "v2", "--help"},
		{"fleet", "rollback", "--help"},
		{"fleet", "rollback", "help"},
	} {
		r, got := runRecorded(t, args...)
		if r.code != exitOK || len(got) != 0 || !strings.Contains(r.stdout, "fleet rollback [command options] [VERSION]") || r.stderr != "" {
			t.Errorf("%v: exit %d, ran %+v\nstdout: %s\nstderr: %s", args, r.code, got, r.stdout, r.stderr)
		}
	}
}

// TestArgs_Declarations: commandArgs names real commands and flags, and
// urfave/cli's required-flag check (which prints the help, and runs
// before the words are checked) is off everywhere, ours on.
func TestArgs_Declarations(t *testing.T) {
	byPath := map[string]*cli.Command{}
	for _, c := range allCommands() {
		byPath[c.path] = c.cmd
		for _, f := range c.cmd.Flags {
			if rf, ok := f.(cli.RequiredFlag); ok && rf.IsRequired() {
				t.Errorf("fleet %s --%s: still required for urfave/cli: teach cliargs' unrequire its type %T", c.path, f.Names()[0], f)
			}
		}
	}
	for path, spec := range commandArgs() {
		c, ok := byPath[path]
		switch {
		case !ok:
			t.Errorf("commandArgs: no command %q", path)
		case spec.Flag != "" && findFlag(c.Flags, spec.Flag) == nil:
			t.Errorf("commandArgs: fleet %s has no --%s", path, spec.Flag)
		case spec.Max > 0 && argSamples[path] == "":
			t.Errorf("argSamples: no word for fleet %s", path)
		case c.ArgsUsage != spec.Usage:
			t.Errorf("fleet %s: help says %q, commandArgs %q", path, c.ArgsUsage, spec.Usage)
		}
	}
	r, got := runRecorded(t, "fleet", "rollout")
	if want := "fleet rollout: --artifact is required; see fleet rollout --help\n"; r.code != exitCannotStart || r.stderr != want || r.stdout != "" || len(got) != 0 {
		t.Errorf("no --artifact: exit %d, ran %+v\nstdout: %s\nstderr: %q, want %q", r.code, got, r.stdout, r.stderr, want)
	}
	if r, got := runRecorded(t, "fleet", "plan", "-a", "x"); r.code != exitOK || len(got) != 1 {
		t.Errorf("-a x: exit %d, ran %+v\n%s", r.code, got, r.stderr)
	}
}

// TestArgs_StrayBoolValue: `--yes false` leaves "false" as a word; the
// refusal says how to give a true/false flag a value.
func TestArgs_StrayBoolValue(t *testing.T) {
	r := runArgs(t.Context(), []string{"fleet", "rollout", "-a", "x", "--no-auto-rollback", "false"})
	if r.code != exitCannotStart || !strings.Contains(r.stderr, `unexpected argument "false" (a true/false flag takes its value after =, as --yes=false)`) {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
}
