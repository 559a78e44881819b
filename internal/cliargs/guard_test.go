package cliargs

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// anagram suggests a known word with the same letters: enough to see
// Config.Suggest called with the right words.
func anagram(word string, known []string) string {
	sorted := func(s string) string {
		b := []byte(s)
		slices.Sort(b)
		return string(b)
	}
	for _, k := range known {
		if k != word && sorted(k) == sorted(word) {
			return fmt.Sprintf(" (did you mean %q?)", k)
		}
	}
	return ""
}

// ran is what a test app's action saw: the command and its flags set.
type ran struct {
	cmd   string
	flags map[string]string
}

// testApp is newTestApp under Guard, with a Suggest.
func testApp(got *[]ran) *cli.App {
	app := newTestApp(got)
	Guard(app, Config{Specs: map[string]Spec{"get": {Usage: "[NAME]", Max: 1, Flag: "to"}}, Suggest: anagram, BoolFlag: "yes"})
	return app
}

// newTestApp is a small app: get takes one word, [NAME], that is
// also --to; list takes nothing, not even flags; run takes flags; need
// has a required flag; group has a subcommand.
func newTestApp(got *[]ran) *cli.App {
	record := func(c *cli.Context) error {
		r := ran{cmd: c.Command.Name, flags: map[string]string{}}
		for _, f := range c.Command.Flags {
			if n := f.Names()[0]; c.IsSet(n) {
				r.flags[n] = fmt.Sprint(c.Value(n))
			}
		}
		*got = append(*got, r)
		return nil
	}
	app := &cli.App{
		Name:           "tool",
		ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{
			{Name: "get", Action: record, Flags: []cli.Flag{
				&cli.StringFlag{Name: "to", EnvVars: []string{"TOOL_TO"}},
				&cli.DurationFlag{Name: "wait", EnvVars: []string{"TOOL_WAIT"}},
				&cli.IntFlag{Name: "count"},
				&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}},
			}},
			{Name: "list", Action: record},
			{Name: "run", Action: record, Flags: []cli.Flag{&cli.StringFlag{Name: "limit", Aliases: []string{"l"}}}},
			{Name: "need", Action: record, Flags: []cli.Flag{&cli.StringFlag{Name: "name", Required: true}}},
			{Name: "group", Subcommands: []*cli.Command{{Name: "inner", Action: record}}},
		},
	}
	return app
}

// runTool runs args on testApp and returns what the actions saw, the
// output and the error.
func runTool(t *testing.T, args ...string) ([]ran, string, error) {
	t.Helper()
	var got []ran
	app := testApp(&got)
	var out bytes.Buffer
	app.Writer, app.ErrWriter = &out, &out
	err := app.RunContext(t.Context(), append([]string{"tool"}, args...))
	return got, out.String(), err
}

// wantUsage fails t unless args are refused with exactly the line want,
// as a *UsageError, before any action runs.
func wantUsage(t *testing.T, want string, args ...string) {
	t.Helper()
	got, _, err := runTool(t, args...)
	var ue *UsageError
	if !errors.As(err, &ue) || err.Error() != want || len(got) != 0 {
		t.Errorf("tool %s: %v (%T), ran %+v\nwant: %s", strings.Join(args, " "), err, err, got, want)
	}
}

func TestGuard_StrayWord(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "oops"}, `tool list: unexpected argument "oops": this command takes no arguments; see tool list --help`},
		{[]string{"run", "oops", "--limit", "x"},
			`tool run: unexpected argument "oops": this command takes no arguments, only flags (--name value); see tool run --help`},
		{[]string{"run", "-l", "x", "oops"},
			`tool run: unexpected argument "oops": this command takes no arguments, only flags (--name value); see tool run --help`},
		{[]string{"get", "a", "b"}, `tool get: unexpected argument "b": this command takes [NAME] and flags, before or after it; see tool get --help`},
		{[]string{"get", "a", "-y", "b"}, `tool get: unexpected argument "b": this command takes [NAME] and flags, before or after it; see tool get --help`},
		{[]string{"run", "false"}, `tool run: unexpected argument "false" (a true/false flag takes its value after =, as --yes=false): ` +
			`this command takes no arguments, only flags (--name value); see tool run --help`},
		{[]string{"need", "oops", "--name", "x"},
			`tool need: unexpected argument "oops": this command takes no arguments, only flags (--name value); see tool need --help`},
	} {
		wantUsage(t, tc.want, tc.args...)
	}
}

func TestGuard_FlagsAfterAWord(t *testing.T) {
	for _, args := range [][]string{
		{"get", "v2", "--wait", "3s", "-y", "--count=2"},
		{"get", "--wait", "3s", "v2", "--yes", "--count", "2"},
		{"get", "--wait=3s", "-y", "--count", "2", "v2"},
	} {
		got, _, err := runTool(t, args...)
		want := []ran{{cmd: "get", flags: map[string]string{"to": "v2", "wait": "3s", "yes": "true", "count": "2"}}}
		if err != nil || len(got) != 1 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%v: %v, ran %+v, want %+v", args, err, got, want)
		}
	}
	if got, _, err := runTool(t, "get"); err != nil || len(got) != 1 || len(got[0].flags) != 0 {
		t.Errorf("no word: %v, ran %+v", err, got)
	}
}

func TestGuard_WordAndItsFlag(t *testing.T) {
	wantUsage(t, `tool get: "v2" and --to (or TOOL_TO) "v1" both given; give one`, "get", "--to", "v1", "v2")
	wantUsage(t, `tool get: "v2" and --to (or TOOL_TO) "v1" both given; give one`, "get", "v2", "--to", "v1")
	t.Setenv("TOOL_TO", "v1")
	wantUsage(t, `tool get: "v2" and --to (or TOOL_TO) "v1" both given; give one`, "get", "v2")
	if got, _, err := runTool(t, "get"); err != nil || len(got) != 1 || got[0].flags["to"] != "v1" {
		t.Errorf("TOOL_TO alone: %v, ran %+v", err, got)
	}
}

func TestGuard_HelpAfterAWord(t *testing.T) {
	got, out, err := runTool(t, "get", "v2", "--help")
	if !errors.Is(err, ErrHelpShown) || len(got) != 0 || !strings.Contains(out, "tool get [command options] [NAME]") {
		t.Errorf("%v, ran %+v\n%s", err, got, out)
	}
	// Help where urfave/cli gives it is urfave/cli's.
	for _, args := range [][]string{{"get", "--help"}, {"get", "help"}} {
		got, out, err := runTool(t, args...)
		if err != nil || len(got) != 0 || !strings.Contains(out, "tool get [command options] [NAME]") {
			t.Errorf("%v: %v, ran %+v\n%s", args, err, got, out)
		}
	}
}

func TestGuard_RequiredAfterTheWords(t *testing.T) {
	wantUsage(t, `tool need: --name is required; see tool need --help`, "need")
	if got, _, err := runTool(t, "need", "--name", "x"); err != nil || len(got) != 1 {
		t.Errorf("--name x: %v, ran %+v", err, got)
	}
	var got []ran
	for _, f := range testApp(&got).Command("need").Flags {
		if f.(cli.RequiredFlag).IsRequired() {
			t.Errorf("--%s still required for urfave/cli", f.Names()[0])
		}
	}
}

func TestGuard_UnknownCommand(t *testing.T) {
	wantUsage(t, `tool: unknown command "lsit" (did you mean "list"?)`, "lsit")
	wantUsage(t, `tool: unknown command "zzz"; see tool --help`, "zzz", "--limit", "x")
	wantUsage(t, `tool group: unknown command "inenr" (did you mean "inner"?)`, "group", "inenr")
	wantUsage(t, `tool group: unknown command "zzz"; see tool group --help`, "group", "zzz")
	if got, out, err := runTool(t); err != nil || len(got) != 0 || !strings.Contains(out, "COMMANDS:") {
		t.Errorf("tool alone: %v, ran %+v\n%s", err, got, out)
	}
	if got, _, err := runTool(t, "group", "inner"); err != nil || len(got) != 1 {
		t.Errorf("group inner: %v, ran %+v", err, got)
	}
	// The app's own action runs when no word is left over.
	var got []ran
	app := newTestApp(&got)
	app.Action = func(*cli.Context) error { return errors.New("own action") }
	Guard(app, Config{})
	if err := app.RunContext(t.Context(), []string{"tool"}); err == nil || err.Error() != "own action" {
		t.Errorf("app action: %v", err)
	}
	if err := app.RunContext(t.Context(), []string{"tool", "lsit"}); err == nil || err.Error() != `tool: unknown command "lsit"; see tool --help` {
		t.Errorf("no Suggest: %v", err)
	}
}

func TestGuard_BadFlagIsOneLine(t *testing.T) {
	for _, tc := range []struct {
		env  string // TOOL_WAIT
		args []string
		want string
	}{
		{args: []string{"get", "--wait", "soon"}, want: `tool get: --wait "soon": want a duration such as 30s or 2m`},
		{args: []string{"get", "v2", "--wait", "soon"}, want: `tool get: --wait "soon": want a duration such as 30s or 2m`},
		{args: []string{"get", "--count", "many"}, want: `tool get: --count "many": want a whole number`},
		{args: []string{"get", "v2", "--yes=maybe"}, want: `tool get: --yes "maybe": want true or false`},
		{args: []string{"get", "--tiwa", "3s"}, want: `tool get: unknown flag --tiwa (did you mean "--wait"?); see tool get --help`},
		{args: []string{"get", "v2", "--tiwa", "3s"}, want: `tool get: unknown flag --tiwa (did you mean "--wait"?); see tool get --help`},
		{args: []string{"get", "-q"}, want: `tool get: unknown flag -q; see tool get --help`},
		{args: []string{"get", "--to"}, want: `tool get: --to needs a value; see tool get --help`},
		{args: []string{"group", "inner", "--zz"}, want: `tool group inner: unknown flag --zz; see tool group inner --help`},
		{args: []string{"--limit", "x", "run"}, want: `tool: --limit goes after the command name (tool <command> --limit); see tool --help`},
		{args: []string{"--zzzz"}, want: `tool: unknown flag --zzzz; see tool --help`},
		{env: "soon", args: []string{"get"}, want: `tool get: TOOL_WAIT "soon" (for --wait): want a duration such as 30s or 2m`},
	} {
		if tc.env != "" {
			t.Setenv("TOOL_WAIT", tc.env)
		}
		wantUsage(t, tc.want, tc.args...)
	}
}
