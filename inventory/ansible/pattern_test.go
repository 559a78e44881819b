package ansible

import (
	"slices"
	"strings"
	"testing"
)

func TestHostPattern(t *testing.T) {
	tests := []struct {
		pattern string
		names   []string
		port    string
	}{
		{"web1", []string{"web1"}, ""},
		{"web1.example.com:2222", []string{"web1.example.com"}, "2222"},
		{"10.0.0.1:22", []string{"10.0.0.1"}, "22"},
		{"web[1:3]", []string{"web1", "web2", "web3"}, ""},
		{"web[01:03].example.com", []string{"web01.example.com", "web02.example.com", "web03.example.com"}, ""},
		{"web[08:11]", []string{"web08", "web09", "web10", "web11"}, ""},
		{"web[001:003]", []string{"web001", "web002", "web003"}, ""},
		{"web[9:11]", []string{"web9", "web10", "web11"}, ""},
		{"web[:2]", []string{"web0", "web1", "web2"}, ""},
		{"web[01:09:4]", []string{"web01", "web05", "web09"}, ""},
		{"db-[a:c]", []string{"db-a", "db-b", "db-c"}, ""},
		{"db-[a:e:2]", []string{"db-a", "db-c", "db-e"}, ""},
		{"db-[y:B]", []string{"db-y", "db-z", "db-A", "db-B"}, ""},
		{"r[1:2]-n[a:b]", []string{"r1-na", "r1-nb", "r2-na", "r2-nb"}, ""},
		{"web[1:2].example.com:2200", []string{"web1.example.com", "web2.example.com"}, "2200"},
		{"fe80::1", []string{"fe80::1"}, ""},
		{"2001:db8::1", []string{"2001:db8::1"}, ""},
		{"[2001:db8::1]:2222", []string{"2001:db8::1"}, "2222"},
		{"[::1]:22", []string{"::1"}, "22"},
		{"web[1:1]", []string{"web1"}, ""},
	}
	for _, tt := range tests {
		names, port, err := hostPattern(tt.pattern)
		if err != nil || !slices.Equal(names, tt.names) || port != tt.port {
			t.Errorf("hostPattern(%q) = %v, %q, %v; want %v, %q", tt.pattern, names, port, err, tt.names, tt.port)
		}
	}
}

func TestHostPattern_Errors(t *testing.T) {
	tests := map[string]string{
		"web[1:3":         "'[' without ']'",
		"web]1:3[":        "']' without '['",
		"web[1]":          "must be [start:end] or [start:end:step]",
		"web[1:2:3:4]":    "must be [start:end] or [start:end:step]",
		"web[1:]":         "has no end",
		"web[3:1]":        "starts after it ends",
		"web[01:5]":       "pads with zeros",
		"web[1:5:x]":      `has step "x"`,
		"web[1:5:-1]":     `has step "-1"`,
		"web[ab:cd]":      "must be numbers such as [01:20] or single letters",
		"web[a:5]":        "must be numbers such as [01:20] or single letters",
		"web[-1:5]":       "must be numbers such as [01:20] or single letters",
		"web[0:10000]":    "expands to more than 10000 hosts",
		"web:":            "ends in ':'",
		"[::1]":           "brackets around an IPv6 address need a port, as in [::1]:22",
		"w[1:9999999999]": "is too large",
	}
	for pattern, want := range tests {
		_, _, err := hostPattern(pattern)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("hostPattern(%q) error = %v, want it to contain %q", pattern, err, want)
		}
	}
}

func TestShlexSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"a b  c", []string{"a", "b", "c"}},
		{"a\tb", []string{"a", "b"}},
		{`a x='1 2' y="3 4"`, []string{"a", "x=1 2", "y=3 4"}},
		{`a x="q\"r\\s\t"`, []string{"a", `x=q"r\s\t`}},
		{`a x='q\r'`, []string{"a", `x=q\r`}},
		{`a x=\ y`, []string{"a", "x= y"}},
		{`a "" b`, []string{"a", "", "b"}},
		{`a x=1#c y=2`, []string{"a", "x=1"}},
		{`a # c`, []string{"a"}},
		{`a x="#" y='#'`, []string{"a", "x=#", "y=#"}},
		{`a x=a"b c"d`, []string{"a", "x=ab cd"}},
		{"", nil},
	}
	for _, tt := range tests {
		got, err := shlexSplit(tt.in)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("shlexSplit(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{`a 'b`, `a "b`, `a b\`, `a "b\"`} {
		if _, err := shlexSplit(bad); err == nil {
			t.Errorf("shlexSplit(%q) succeeded, want an error", bad)
		}
	}
}

func TestPyString(t *testing.T) {
	tests := map[string]string{
		`'a b'`:        "a b",
		`"a b"`:        "a b",
		`'it\'s'`:      "it's",
		`"tab\there"`:  "tab\there",
		`"\x41\u00e9"`: "Aé",
		`"\101"`:       "A",
		`"\q"`:         `\q`,
		`''`:           "",
		`plain`:        "plain",
		`'a' 'b'`:      `'a' 'b'`,
		`'a'b'`:        `'a'b'`,
		`'unclosed`:    `'unclosed`,
		`"a'`:          `"a'`,
		`'''x'''`:      `'''x'''`,
		`'end\'`:       `'end\'`,
		`42`:           "42",
		`[1, 'a']`:     `[1, 'a']`,
	}
	for in, want := range tests {
		if got := pyString(in); got != want {
			t.Errorf("pyString(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPyLiteral(t *testing.T) {
	tests := map[string]string{
		"8080":               "8080",
		"  8080  # port":     "8080",
		"-1.5 #x":            "-1.5",
		"True # yes":         "True",
		"Nonesuch # x":       "Nonesuch # x",
		"'a # b' # c":        "a # b",
		`"q\"r" # c`:         `q"r`,
		"web # c":            "web # c",
		"12abc # c":          "12abc # c",
		"0x1F":               "0x1F",
		"1 2":                "1 2",
		"'a' 'b'":            "'a' 'b'",
		"[1, 2] # c":         "[1, 2] # c",
		"'unclosed # c":      "'unclosed # c",
		"":                   "",
		"02:00-04:00":        "02:00-04:00",
		`"02:00-04:00"  # c`: "02:00-04:00",
	}
	for in, want := range tests {
		if got := pyLiteral(in); got != want {
			t.Errorf("pyLiteral(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParsePort(t *testing.T) {
	for in, want := range map[string]int{"22": 22, " 2222 ": 2222, "65535": 65535, "1": 1, "022": 22} {
		if got, ok := parsePort(in); !ok || got != want {
			t.Errorf("parsePort(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "0", "65536", "-1", "+22", "22.0", "ssh", "99999999999999999999"} {
		if got, ok := parsePort(in); ok {
			t.Errorf("parsePort(%q) = %d, want refused", in, got)
		}
	}
}
