package cliargs_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/cliargs"
)

func TestRawFlag(t *testing.T) {
	env := map[string]string{"TOOL_FORMAT": "env"}
	getenv := func(k string) string { return env[k] }
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"tool", "run"}, "env"},
		{[]string{"tool", "run", "--format", "json"}, "json"},
		{[]string{"tool", "run", "-format=json"}, "json"},
		{[]string{"tool", "run", "--format=text", "--format", "json"}, "json"},
		{[]string{"tool", "run", "--format"}, "env"},
		{[]string{"tool", "run", "--", "--format", "json"}, "env"},
		{[]string{"tool", "run", "--formats", "json"}, "env"},
	} {
		if got := cliargs.RawFlag(tc.args, "format", "TOOL_FORMAT", getenv); got != tc.want {
			t.Errorf("RawFlag(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
}
