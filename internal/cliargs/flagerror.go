package cliargs

import (
	"regexp"
	"strconv"
)

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
// (flag.FlagSet.failf) and of urfave/cli reading a flag's environment
// variable. Both are plain strings, so this is the one place the command
// line reads an error's text; TestFlagError_Formats pins the formats, and
// an error in none of them is shown as it is.
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
