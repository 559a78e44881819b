package transport_test

import (
	"os/exec"
	"testing"

	"github.com/fleetdeploy/fleet/transport"
)

func TestQuote(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "''"},
		{"plain", "plain"},
		{"/opt/app/releases/1.2.3/app", "/opt/app/releases/1.2.3/app"},
		{"key=value,a:b@c%d+e_f-g", "key=value,a:b@c%d+e_f-g"},
		{"two words", "'two words'"},
		{"it's", `'it'\''s'`},
		{"'", `''\'''`},
		{"''", `''\'''\'''`},
		{"line1\nline2", "'line1\nline2'"},
		{"$HOME", "'$HOME'"},
		{"`id`", "'`id`'"},
		{"$(rm -rf /)", "'$(rm -rf /)'"},
		{`back\slash`, `'back\slash'`},
		{`"double"`, `'"double"'`},
		{"tab\there", "'tab\there'"},
		{"~root", "'~root'"},
		{"*.log", "'*.log'"},
		{"a;b&c|d>e<f", "'a;b&c|d>e<f'"},
		{"naïve", "'naïve'"},
	}
	for _, tc := range cases {
		if got := transport.Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestQuote_RoundTripsThroughSh checks the quoting against a real shell's
// parser when one is installed.
func TestQuote_RoundTripsThroughSh(t *testing.T) {
	sh := lookSh(t)
	for _, s := range []string{"", "it's", "a b\nc", "$HOME `id` $(x) \\ \" '' ~ * ?", "-n"} {
		got := runSh(t, sh, "printf %s "+transport.Quote(s))
		if got != s {
			t.Errorf("sh saw %q for %q", got, s)
		}
	}
}

func lookSh(t *testing.T) string {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH")
	}
	return sh
}

func runSh(t *testing.T, sh, script string) string {
	t.Helper()
	out, err := exec.Command(sh, "-c", script).Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", script, err)
	}
	return string(out)
}
