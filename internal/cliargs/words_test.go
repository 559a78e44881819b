package cliargs

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// runAdd runs `tool add args…`, where add takes any number of words,
// [NAME...], each also a value of its slice flag --name.
func runAdd(t *testing.T, args ...string) (map[string]string, error) {
	t.Helper()
	var got map[string]string
	app := &cli.App{
		Name:           "tool",
		ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{{Name: "add", Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "name", EnvVars: []string{"TOOL_NAMES"}},
			&cli.IntFlag{Name: "count"},
		}, Action: func(c *cli.Context) error {
			got = map[string]string{"name": strings.Join(c.StringSlice("name"), " "), "count": fmt.Sprint(c.Int("count"))}
			return nil
		}}},
	}
	Guard(app, Config{Specs: map[string]Spec{"add": {Usage: "[NAME...]", Max: math.MaxInt, Flag: "name"}}})
	var out bytes.Buffer
	app.Writer, app.ErrWriter = &out, &out
	err := app.RunContext(t.Context(), append([]string{"tool", "add"}, args...))
	return got, err
}

// TestGuard_ManyWordsFillASliceFlag: every word is one value of the
// flag, in order, with flags read between them.
func TestGuard_ManyWordsFillASliceFlag(t *testing.T) {
	for _, args := range [][]string{
		{"a", "b", "c", "--count", "2"},
		{"a", "--count", "2", "b", "c"},
		{"--count=2", "a", "b", "c"},
	} {
		got, err := runAdd(t, args...)
		if err != nil || got["name"] != "a b c" || got["count"] != "2" {
			t.Errorf("%v: %v, got %v", args, err, got)
		}
	}
	if got, err := runAdd(t, "--name", "a", "--name", "b"); err != nil || got["name"] != "a b" {
		t.Errorf("the flag alone: %v, got %v", err, got)
	}
	_, err := runAdd(t, "--name", "a", "b")
	var ue *UsageError
	if want := `tool add: "b" and --name (or TOOL_NAMES) "a" both given; give one`; !errors.As(err, &ue) || err.Error() != want {
		t.Errorf("words and the flag: %v, want %s", err, want)
	}
}
