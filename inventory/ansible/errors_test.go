package ansible

import (
	"errors"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/inventory"
)

func TestLoad_Broken(t *testing.T) {
	tests := map[string][]string{
		"testdata/broken.ini": {
			`testdata/broken.ini:4: host pattern "web[01:x].example.com": range [01:x] must be numbers such as [01:20] or single letters such as [a:f]`,
			`testdata/broken.ini:5: expected key=value after the host pattern, got "ansible_user"`,
			`testdata/broken.ini:7: section [web:host] has unknown kind "host" (did you mean "hosts"?); want [web], [web:vars] or [web:children]`,
			`testdata/broken.ini:11: ansible_port must be a port number between 1 and 65535, got "70000"`,
			`testdata/broken.ini:12: host name "db 2" must not contain ' '`,
			`testdata/broken.ini:13: host line db3 'unterminated: no closing quotation`,
			`testdata/broken.ini:16: expected key=value in [db:vars], got "no equals sign here"`,
			`testdata/broken.ini:20: [all:children] lists group dbs, which no [dbs] or [dbs:children] section defines (did you mean "db"?)`,
			`testdata/broken.ini:22: invalid section header [web servers]: want [group], [group:vars] or [group:children], with no spaces in the name`,
		},
		"testdata/broken.yml": {
			`testdata/broken.yml:4:5: host pattern "web[1:0].example.com": range [1:0] starts after it ends`,
			`testdata/broken.yml:7:7: group web has unknown key "host" (did you mean "hosts"?); a group has hosts, vars and children`,
			`testdata/broken.yml:9:13: vars of group web must be a mapping, got a list`,
			`testdata/broken.yml:12:29: ansible_port must be a port number between 1 and 65535, got "none"`,
			`testdata/broken.yml:13:9: duplicate key "db1" (first at line 12, column 9)`,
			`testdata/broken.yml:14:17: children of group db must be a mapping of group names to groups, got a list`,
		},
	}
	for file, want := range tests {
		t.Run(file, func(t *testing.T) {
			_, err := Load(file)
			var errs inventory.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Load = %v, want inventory.Errors", err)
			}
			got := strings.Split(errs.Error(), "\n")
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("errors, all at once and in file order:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
			}
		})
	}
}

type errorCase struct {
	name, file, src, want string
}

func runErrorCases(t *testing.T, tests []errorCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := parseErrors(t, tt.file, tt.src)
			for _, e := range errs {
				if strings.Contains(e.Error(), tt.want) {
					return
				}
			}
			t.Errorf("no error contains\n  %s\ngot:\n  %s", tt.want, strings.ReplaceAll(errs.Error(), "\n", "\n  "))
		})
	}
}

func TestParse_INIErrors(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"unknown section kind", "hosts", "[web:var]\na=1\n", `hosts:1: section [web:var] has unknown kind "var" (did you mean "vars"?); want [web], [web:vars] or [web:children]`},
		{"unknown section kind, no suggestion", "hosts", "[web:child]\na\n", `hosts:1: section [web:child] has unknown kind "child"; want`},
		{"section with space", "hosts", "[web servers]\n", "hosts:1: invalid section header [web servers]"},
		{"section with comment is fine, bad one is not", "hosts", "[web] # ok\na\n[x:y:z]\n", "hosts:3: invalid section header [x:y:z]"},
		{"undefined child group", "hosts", "[web:children]\nnginx\n", "hosts:2: [web:children] lists group nginx, which no [nginx] or [nginx:children] section defines"},
		{"vars for an undefined group", "hosts", "[web:vars]\nx=1\n", "hosts:1: section [web:vars] is for group web, which no [web] or [web:children] section defines"},
		{"bad child line", "hosts", "[web:children]\nnginx apache\n[nginx]\n", `hosts:2: expected a group name in [web:children], got "nginx apache"`},
		{"vars line without =", "hosts", "[all:vars]\nfoo\n", `hosts:2: expected key=value in [all:vars], got "foo"`},
		{"vars line without a name", "hosts", "[all:vars]\n=1\n", `hosts:2: expected key=value in [all:vars], got "=1": the name is empty`},
		{"host var without a name", "hosts", "a =1\n", `hosts:1: expected key=value after the host pattern, got "=1": the name is empty`},
		{"pattern ends in colon", "hosts", "[web]\nweb1:\n", `hosts:2: host pattern "web1:" ends in ':'`},
		{"yaml marker", "hosts", "---\n", `hosts:1: host pattern "---" is a YAML document marker`},
		{"unclosed range", "hosts", "web[1:3\n", `hosts:1: host pattern "web[1:3": '[' without ']'`},
		{"range without colon", "hosts", "web[13]\n", "range [13] must be [start:end] or [start:end:step]"},
		{"range without end", "hosts", "web[1:]\n", "range [1:] has no end"},
		{"range backwards", "hosts", "web[5:1]\n", "range [5:1] starts after it ends"},
		{"letters backwards", "hosts", "web[c:a]\n", "range [c:a] starts after it ends"},
		{"padding mismatch", "hosts", "web[01:100]\n", "range [01:100] pads with zeros, so start and end must have the same number of digits"},
		{"step zero", "hosts", "web[1:9:0]\n", `range [1:9:0] has step "0"; it must be a whole number of at least 1`},
		{"mixed range", "hosts", "web[a:9]\n", "range [a:9] must be numbers such as [01:20] or single letters"},
		{"range too big", "hosts", "web[0:99999]\n", "expands to more than 10000 hosts"},
		{"ranges too big together", "hosts", "web[0:999]-[0:99]\n", "expands to more than 10000 hosts"},
		{"big ranges repeated", "hosts", strings.Repeat("w[0:9999]\n", 31), "hosts:31: host patterns expand to more than 300000 names in all"},
		{"port out of range", "hosts", "web1:65536\n", `hosts:1: ansible_port must be a port number between 1 and 65535, got "65536"`},
		{"port zero", "hosts", "web1 ansible_port=0\n", `ansible_port must be a port number between 1 and 65535, got "0"`},
		{"group port bad, reported once", "hosts", "[web]\na\nb\n[web:vars]\nansible_ssh_port=ssh\n", `hosts:5: ansible_ssh_port must be a port number between 1 and 65535, got "ssh"`},
		{"priority not a number", "hosts", "[web]\na\n[web:vars]\nansible_group_priority=high\n", `hosts:4: ansible_group_priority of group web must be a whole number, got "high"`},
		{"cycle", "hosts", "[a:children]\nb\n[b:children]\na\n", "hosts:4: group a is its own descendant: a -> b -> a"},
		{"self child", "hosts", "[a:children]\na\n", "hosts:2: group a is its own descendant: a -> a"},
		{"all as a child", "hosts", "[a:children]\nall\n", "hosts:2: group all cannot be a child of a"},
		{"trailing backslash", "hosts", "a x=\\\n", "no character after the final backslash"},
		{"not utf-8", "hosts", "a x=\xff\n", "hosts:1: line is not valid UTF-8"},
	})
}

func TestParse_YAMLErrors(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"yaml without all or extension", "hosts", "web:\n  hosts: {a: }\nport: 22\n",
			"hosts:1:1: read as INI: as YAML this is a mapping, but not of groups; if it is a YAML inventory, put its groups under all: or name the file .yml"},
		{"syntax", "inv.yml", "all:\n  hosts:\n   a: 1\n  b\n", "inv.yml:4: invalid YAML: "},
		{"not a mapping", "inv.yml", "- a\n", "inv.yml:1:1: a YAML inventory must be a mapping of groups"},
		{"plugin config", "inv.yml", "plugin: aws_ec2\nregions: [eu-west-1]\n", "inv.yml:1:1: this is the configuration of inventory plugin aws_ec2, not an inventory: fleet does not run inventory plugins; write the inventory it makes to a file with ansible-inventory -i inv.yml --list --yaml > hosts.yml"},
		{"two documents", "inv.yml", "all: {}\n---\nall: {}\n", "inv.yml:3:1: only one YAML document is allowed"},
		{"group a list", "inv.yml", "all:\n  children:\n    web: [a]\n", "inv.yml:3:10: group web must be a mapping with hosts, vars and children, got a list"},
		{"unknown group key", "inv.yml", "all:\n  var: {}\n", `inv.yml:2:3: group all has unknown key "var" (did you mean "vars"?)`},
		{"hosts a list", "inv.yml", "all:\n  hosts: [a, b]\n", "inv.yml:2:10: hosts of group all must be a mapping of host names to their variables, got a list"},
		{"host vars a list", "inv.yml", "all:\n  hosts:\n    a: [x]\n", "inv.yml:3:8: variables of host a must be a mapping, got a list"},
		{"host vars a scalar", "inv.yml", "all:\n  hosts:\n    a: 1\n", `inv.yml:3:8: variables of host a must be a mapping, got "1"`},
		{"null key", "inv.yml", "all:\n  hosts:\n    ~: {}\n", "inv.yml:3:5: keys must be strings, got no value"},
		{"empty key", "inv.yml", "all:\n  hosts:\n    '': {}\n", `inv.yml:3:5: host name must be a non-empty string, got ""`},
		{"list key", "inv.yml", "all:\n  hosts:\n    [a]: {}\n", "inv.yml:3:5: keys must be strings, got a list"},
		{"duplicate group key", "inv.yml", "all:\n  hosts: {}\n  hosts: {}\n", `inv.yml:3:3: duplicate key "hosts" (first at line 2, column 3)`},
		{"bad range", "inv.yml", "all:\n  hosts:\n    web[1:x]:\n", `inv.yml:3:5: host pattern "web[1:x]"`},
		{"bad port", "inv.yml", "all:\n  hosts:\n    a: {ansible_port: 0}\n", "inv.yml:3:23: ansible_port must be a port number between 1 and 65535"},
		{"cycle", "inv.yml", "all:\n  children:\n    a:\n      children:\n        b:\n          children:\n            a:\n", "inv.yml:7:13: group a is its own descendant: a -> b -> a"},
		{"merge of a scalar", "inv.yml", "all:\n  vars:\n    <<: 1\n", `inv.yml:3:9: a merge (<<) takes a mapping or a list of mappings, got "1"`},
		{"host name with space", "inv.yml", "all:\n  hosts:\n    'a b':\n", `inv.yml:3:5: host name "a b" must not contain ' '`},
		{"alias bomb", "inv.yml", aliasBomb(40), "expands, through aliases, to more than 1000000 nodes"},
	})
}

// aliasBomb doubles the tree at each of n levels: a small file that stands
// for 2^n nodes.
func aliasBomb(n int) string {
	var b strings.Builder
	b.WriteString("x0: &a0 {hosts: {h: }}\n")
	for i := 1; i <= n; i++ {
		p := i - 1
		b.WriteString("x" + itoa(i) + ": &a" + itoa(i) + " {children: {l" + itoa(i) + ": *a" + itoa(p) + ", r" + itoa(i) + ": *a" + itoa(p) + "}}\n")
	}
	return b.String()
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// TestError_Error: a problem renders file:line (INI) or file:line:column
// (YAML), the form editors jump to, through inventory's error type.
func TestError_Error(t *testing.T) {
	tests := []struct {
		e    inventory.FieldError
		want string
	}{
		{inventory.FieldError{File: "hosts", Line: 3, Msg: "m"}, "hosts:3: m"},
		{inventory.FieldError{File: "inv.yml", Line: 3, Column: 7, Msg: "m"}, "inv.yml:3:7: m"},
		{inventory.FieldError{File: "inv.yml", Msg: "m"}, "inv.yml: m"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	_, err := Parse("hosts", []byte("a:\nb[\n"))
	var e *inventory.FieldError
	if !errors.As(err, &e) || e.File != "hosts" || e.Line != 1 {
		t.Errorf("errors.As(*inventory.FieldError) = %+v from %v", e, err)
	}
}
