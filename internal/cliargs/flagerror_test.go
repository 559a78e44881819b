package cliargs

import (
	"errors"
	"flag"
	"io"
	"strconv"
	"testing"
)

// TestFlagError_Formats pins the flag package's error formats that
// readFlagError takes apart, straight from the package.
func TestFlagError_Formats(t *testing.T) {
	parse := func(args ...string) error {
		set := flag.NewFlagSet("x", flag.ContinueOnError)
		set.SetOutput(io.Discard)
		set.Duration("bake", 0, "")
		set.Bool("yes", false, "")
		set.String("limit", "", "")
		return set.Parse(args)
	}
	for _, tc := range []struct {
		err  error
		want flagProblem
	}{
		{parse("--nope"), flagProblem{kind: flagUnknown, name: "nope"}},
		{parse("-nope"), flagProblem{kind: flagUnknown, name: "nope"}},
		{parse("--limit"), flagProblem{kind: flagNoValue, name: "limit"}},
		{parse("--bake", `a "b"`), flagProblem{kind: flagBadValue, name: "bake", value: `a "b"`}},
		{parse("--yes=maybe"), flagProblem{kind: flagBadValue, name: "yes", value: "maybe"}},
		{errors.New(`could not parse "x:y" as duration value from environment variable "FLEET_BAKE" for flag bake: time: invalid duration "x:y"`),
			flagProblem{kind: flagBadValue, name: "bake", value: "x:y", env: "FLEET_BAKE"}},
	} {
		if got, ok := readFlagError(tc.err); !ok || got != tc.want {
			t.Errorf("%v: %+v, %v; want %+v", tc.err, got, ok, tc.want)
		}
	}
	if _, ok := readFlagError(parse("---x")); ok {
		t.Error("bad flag syntax read as a known error")
	}
	if err := (&Config{}).flagUsage("fleet x", nil, errors.New("something else")); err.Error() != "fleet x: something else; see fleet x --help" {
		t.Errorf("unknown format: %v", err)
	}
}

func TestFlagError_NamesTheFlag(t *testing.T) {
	fe := &FlagError{Flag: "strategy", Value: "fast", Want: "want rolling or blue-green"}
	if got, want := fe.Error(), `--strategy "fast": want rolling or blue-green`; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	_, cause := strconv.Atoi("x")
	fe = &FlagError{Flag: "n", Err: cause}
	if got, want := fe.Error(), "-n: "+cause.Error(); got != want || !errors.Is(fe, strconv.ErrSyntax) {
		t.Errorf("%q, want %q, wrapping %v", got, want, cause)
	}
}
