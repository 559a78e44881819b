package appspec

import (
	"strings"
	"testing"
)

// ruleCase is a value and the error a rule gives it ("" for none).
type ruleCase struct {
	in   string
	want string
}

func runRule(t *testing.T, name string, rule func(string) error, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		err := rule(c.in)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s(%q) = %v, want nil", name, c.in, err)
		case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want)):
			t.Errorf("%s(%q) = %v, want %q", name, c.in, err, c.want)
		}
	}
}

func TestName(t *testing.T) {
	runRule(t, "Name", Name, []ruleCase{
		{"hello", ""}, {"a", ""}, {"7", ""}, {"web1.example.com", ""}, {"1.2.3+build.4", ""},
		{"v1.0.0-rc.1", ""}, {"a_b", ""}, {"A_", ""}, {"a..b", ""}, {strings.Repeat("x", 128), ""},
		{"", "must not be empty"},
		{".", "must start with a letter or digit"},
		{"..", "must start with a letter or digit"},
		{"-rf", "must start with a letter or digit"},
		{".hidden", "must start with a letter or digit"},
		{"_a", "must start with a letter or digit"},
		{"a/b", `must not contain '/'`},
		{"../etc", `must not contain '/'`},
		{"a b", `must not contain ' '`},
		{"a\tb", `must not contain '\t'`},
		{"a\nb", `must not contain '\n'`},
		{"a\x00b", `must not contain '\x00'`},
		{"a;b", `must not contain ';'`},
		{"$(x)", `must not contain '$'`},
		{"a`b`", "must not contain '`'"},
		{"a|b", `must not contain '|'`},
		{"a&b", `must not contain '&'`},
		{"a*", `must not contain '*'`},
		{"a'b", `must not contain '\''`},
		{"a@b", `must not contain '@'`},
		{"ünï", `must not contain 'ü'`},
		{"a\xffb", `must not contain '�'`},
		{strings.Repeat("x", 129), "must be at most 128 characters"},
	})
}

func TestVersion(t *testing.T) {
	good := []string{"1", "1.2.3", "v1.2.3-rc.1+build.5", "2026_01_02", "a", strings.Repeat("9", 128)}
	bad := []string{
		"", ".", "..", "a..b", "../etc", "a/b", "-rf", ".hidden", "_x", "v 1", "v\t1", "v\n1", "v\x00",
		"v;rm", "v|x", "v&x", "v$x", "v`x`", "v(x)", "v<x", "v>x", "v*", "v?", "v'x'", `v"x"`, `v\x`,
		"v~", "v!", "v#", "v%", "v=x", "v:x", "v@x", "v,x", "vé", strings.Repeat("9", 129),
	}
	cases := make([]ruleCase, 0, len(good)+len(bad))
	for _, v := range good {
		cases = append(cases, ruleCase{v, ""})
	}
	for _, v := range bad {
		cases = append(cases, ruleCase{v, "must"})
	}
	runRule(t, "Version", Version, cases)
	runRule(t, "Version", Version, []ruleCase{{"a..b", `must not contain ".."`}})
}

func TestBinary(t *testing.T) {
	runRule(t, "Binary", Binary, []ruleCase{
		{"hello", ""}, {"release.json.bak", ""},
		{"release.json", "must not be release.json"},
		{"bin/hello", "must not contain '/'"},
		{"..", "must start with a letter or digit"},
	})
}

func TestSlotName(t *testing.T) {
	runRule(t, "SlotName", SlotName, []ruleCase{
		{"blue", ""}, {"a.1", ""}, {"g_2-x", ""},
		{"a+b", "must not contain '+', which systemd unit names cannot hold"},
		{"a..b", `must not contain ".."`},
		{"../x", "must not contain '/'"},
		{"", "must not be empty"},
	})
}

func TestKeep(t *testing.T) {
	for k, want := range map[int]string{2: "", 5: "", 1: "must be at least 2, got 1", 0: "must be at least 2, got 0", -1: "must be at least 2"} {
		err := Keep(k)
		if (want == "") != (err == nil) || (err != nil && !strings.HasPrefix(err.Error(), want)) {
			t.Errorf("Keep(%d) = %v, want %q", k, err, want)
		}
	}
}
