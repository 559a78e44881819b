package ansible

import (
	"errors"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/inventory"
)

// mustParse parses src, which must be valid.
func mustParse(t *testing.T, file, src string) []Host {
	t.Helper()
	hosts, err := Parse(file, []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return hosts
}

// parseErrors parses src, which must fail, and returns its problems.
func parseErrors(t *testing.T, file, src string) inventory.Errors {
	t.Helper()
	hosts, err := Parse(file, []byte(src))
	if err == nil {
		t.Fatalf("Parse succeeded, want errors; got %+v", hosts)
	}
	var errs inventory.Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("Parse error is %T %v, want non-empty inventory.Errors", err, err)
	}
	return errs
}

func byName(hosts []Host) map[string]Host {
	m := map[string]Host{}
	for _, h := range hosts {
		m[h.Name] = h
	}
	return m
}

func names(hosts []Host) []string {
	out := make([]string, len(hosts))
	for i, h := range hosts {
		out[i] = h.Name
	}
	return out
}

// prodCommon are the variables every prod host gets from all.
func prodVars(extra map[string]string) map[string]string {
	v := map[string]string{"ansible_user": "deploy", "ntp_server": "ntp.example.com", "ansible_python_interpreter": "/usr/bin/python3"}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

func TestLoad_ProdINI(t *testing.T) {
	hosts, err := Load("testdata/prod.ini")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var want []string
	want = append(want, "bastion.example.com")
	for i := 1; i <= 20; i++ {
		want = append(want, "web"+twoDigits(i)+".example.com")
	}
	want = append(want, "web-canary.example.com", "api-a.example.com", "api-b.example.com", "api-c.example.com",
		"api-d.example.com", "db1.example.com", "db2.example.com",
		"batch01.example.com", "batch03.example.com", "batch05.example.com", "batch07.example.com", "batch09.example.com")
	if got := names(hosts); !slices.Equal(got, want) {
		t.Errorf("hosts in file order:\n got %v\nwant %v", got, want)
	}
	eu := map[string]string{"zone": "a", "region": "eu-west-1", "ntp_server": "ntp.eu.example.com"}
	webVars := prodVars(eu)
	webVars["http_port"], webVars["tier"] = "8080", "web"
	canaryVars := prodVars(eu)
	canaryVars["http_port"], canaryVars["tier"], canaryVars["canary"] = "8080", "web", "true"
	canaryVars["ansible_host"], canaryVars["ansible_port"], canaryVars["ntp_server"] = "10.0.1.50", "2222", "ntp-canary.example.com"
	apiD := prodVars(eu)
	apiD["ansible_port"], apiD["zone"], apiD["motd"] = "2200", "b", "api node: handle with care"
	db1 := prodVars(map[string]string{"ansible_user": "postgres", "ansible_port": "5022", "ansible_host": "10.0.2.11",
		"tier": "db", "role": "primary", "backup_window": "02:00-04:00"})
	wantHosts := map[string]Host{
		"bastion.example.com": {Name: "bastion.example.com", Address: "bastion.example.com", User: "ops",
			Groups: []string{"all", "ungrouped"}, DirectGroups: []string{"ungrouped"}, Vars: prodVars(map[string]string{"ansible_user": "ops"}), Line: 6},
		"web07.example.com": {Name: "web07.example.com", Address: "web07.example.com", User: "deploy",
			Groups: []string{"all", "eu_west", "frontend", "web"}, DirectGroups: []string{"web"}, Vars: webVars, Line: 9},
		"web-canary.example.com": {Name: "web-canary.example.com", Address: "10.0.1.50", User: "deploy", Port: 2222,
			Groups: []string{"all", "canary", "eu_west", "frontend", "web"}, DirectGroups: []string{"web", "canary"}, Vars: canaryVars, Line: 10},
		"api-d.example.com": {Name: "api-d.example.com", Address: "api-d.example.com", User: "deploy", Port: 2200,
			Groups: []string{"all", "api", "eu_west"}, DirectGroups: []string{"api"}, Vars: apiD, Line: 18},
		"db1.example.com": {Name: "db1.example.com", Address: "10.0.2.11", User: "postgres", Port: 5022,
			Groups: []string{"all", "db"}, DirectGroups: []string{"db"}, Vars: db1, Line: 38},
	}
	got := byName(hosts)
	for name, w := range wantHosts {
		if !reflect.DeepEqual(got[name], w) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got[name], w)
		}
	}
}

func twoDigits(i int) string {
	return string(rune('0'+i/10)) + string(rune('0'+i%10))
}

// TestParse_INIAndYAMLAgree: the same inventory written in both formats
// gives the same hosts, groups and variables; only lines differ.
func TestParse_INIAndYAMLAgree(t *testing.T) {
	ini, err := Load("testdata/prod.ini")
	if err != nil {
		t.Fatal(err)
	}
	yml, err := Load("testdata/prod.yml")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names(ini), names(yml)) {
		t.Fatalf("hosts differ:\n ini %v\nyaml %v", names(ini), names(yml))
	}
	for i := range ini {
		a, b := ini[i], yml[i]
		a.Line, b.Line = 0, 0
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s differs:\n ini %+v\nyaml %+v", a.Name, a, b)
		}
	}
}

func TestParse_Precedence(t *testing.T) {
	// x is set at every level; each host shows which level wins.
	src := `
[all:vars]
x=all
[parent:children]
child
other
[parent:vars]
x=parent
[child]
h1
h2 x=host
[child:vars]
x=child
[other]
h1
h3
[other:vars]
x=other
[peer]
h3
[peer:vars]
x=peer
[late]
h4
[late:vars]
x=late
ansible_group_priority=0
[early]
h4
[early:vars]
x=early
`
	got := byName(mustParse(t, "hosts", src))
	want := map[string]string{
		"h1": "other", // child and other are equally deep: by name, other comes later
		"h2": "host",  // host variables win over every group
		"h3": "other", // other (depth 2) is deeper than peer (depth 1)
		"h4": "early", // late has priority 0, below early's default 1
	}
	for h, x := range want {
		if got[h].Vars["x"] != x {
			t.Errorf("%s: x = %q, want %q (vars %v)", h, got[h].Vars["x"], x, got[h].Vars)
		}
	}
	if _, ok := got["h4"].Vars["ansible_group_priority"]; ok {
		t.Error("ansible_group_priority shows as a variable")
	}
	if g := got["h1"].Groups; !slices.Equal(g, []string{"all", "child", "other", "parent"}) {
		t.Errorf("h1 groups = %v", g)
	}
}

func TestParse_Ungrouped(t *testing.T) {
	src := `
loner
both
[all]
top
[ungrouped]
explicit
both
[web]
both
`
	got := byName(mustParse(t, "hosts", src))
	want := map[string][]string{
		"loner":    {"all", "ungrouped"},
		"top":      {"all", "ungrouped"}, // in all only, so ungrouped
		"explicit": {"all", "ungrouped"},
		"both":     {"all", "web"}, // a real group takes it out of ungrouped
	}
	for h, g := range want {
		if !slices.Equal(got[h].Groups, g) {
			t.Errorf("%s groups = %v, want %v", h, got[h].Groups, g)
		}
	}
}

func TestParse_HostVarsMergeAcrossLines(t *testing.T) {
	src := "[a]\nweb1 x=1 y=1\n[b]\nweb1:2200 y=2\n[c]\nweb1 ansible_port=2300\n"
	h := mustParse(t, "hosts", src)[0]
	if h.Vars["x"] != "1" || h.Vars["y"] != "2" || h.Port != 2300 || h.Line != 2 {
		t.Errorf("web1 = %+v; want x=1, y=2 (later line), port 2300, line 2", h)
	}
	// On one line, ansible_port overrides the pattern's port.
	h = mustParse(t, "hosts", "web1:2200 ansible_port=2201\n")[0]
	if h.Port != 2201 {
		t.Errorf("Port = %d, want ansible_port's 2201", h.Port)
	}
}

func TestParse_SSHAliases(t *testing.T) {
	src := "web1 ansible_ssh_host=10.0.0.1 ansible_ssh_user=u ansible_ssh_port=2222\n" +
		"web2 ansible_host=a ansible_ssh_host=b ansible_user=c ansible_ssh_user=d ansible_port=1 ansible_ssh_port=2\n" +
		"web3 ansible_host=''\n"
	got := mustParse(t, "hosts", src)
	if h := got[0]; h.Address != "10.0.0.1" || h.User != "u" || h.Port != 2222 {
		t.Errorf("web1 = %+v", h)
	}
	if h := got[1]; h.Address != "b" || h.User != "d" || h.Port != 2 {
		t.Errorf("web2 = %+v; want the ansible_ssh_* values", h)
	}
	if h := got[2]; h.Address != "web3" {
		t.Errorf("web3 address = %q; an empty ansible_host falls back to the name", h.Address)
	}
}

func TestParse_INIValues(t *testing.T) {
	// '#' outside quotes ends the line, even inside a word, as in shlex.
	// literal_eval then reads a Python literal and drops a Python comment
	// after it, so r is 2 and s is #x.
	src := `web1 a='x y' b="q\"r" c=plain d=True e=[1,2] g="#kept" h=\#esc i= j=a=b r="2 # c" s="'#x'" f=2#comment z=dropped
[all:vars]
k = spaced out
l = "quoted"
m = 8080   # a comment after a literal
n='it''s'
o = frontend  # no literal, so the comment stays
p = 'x y' # c
q = None # c
`
	h := mustParse(t, "hosts", src)[0]
	want := map[string]string{"a": "x y", "b": `q"r`, "c": "plain", "d": "True", "e": "[1,2]", "f": "2",
		"g": "#kept", "h": "#esc", "i": "", "j": "a=b", "r": "2", "s": "#x",
		"k": "spaced out", "l": "quoted", "m": "8080", "n": "'it''s'", "o": "frontend  # no literal, so the comment stays",
		"p": "x y", "q": "None"}
	if !reflect.DeepEqual(h.Vars, want) {
		t.Errorf("Vars:\n got %v\nwant %v", h.Vars, want)
	}
}

func TestParse_YAMLShapes(t *testing.T) {
	src := `
all:
  vars:
    list: [1, two, {three: 3}]
    map: {a: 1}
    empty:
    common: &common {team: payments}
  children:
    web:
      hosts: single.example.com
    db:
      hosts:
        db1:
          <<: *common
          role: primary
        "[2001:db8::1]:2222":
      children: leaf
    leaf:
`
	got := byName(mustParse(t, "inv.yml", src))
	if h := got["single.example.com"]; !slices.Equal(h.Groups, []string{"all", "web"}) {
		t.Errorf("single = %+v", h)
	}
	if v := got["db1"].Vars; v["team"] != "payments" || v["role"] != "primary" || v["list"] != "[1, two, {three: 3}]" ||
		v["map"] != "{a: 1}" || v["empty"] != "" || v["common"] != "{team: payments}" {
		t.Errorf("db1 vars = %v", v)
	}
	if h := got["2001:db8::1"]; h.Port != 2222 || h.Address != "2001:db8::1" {
		t.Errorf("IPv6 host = %+v", h)
	}
}

func TestParse_Detect(t *testing.T) {
	tests := []struct {
		name, file, src string
		want            []string
	}{
		{"yaml with all", "hosts", "all:\n  hosts:\n    a:\n", []string{"a"}},
		{"yaml of groups", "hosts", "web:\n  hosts: {a: }\ndb:\n", []string{"a"}},
		{"yaml extension", "inv.yaml", "web:\n  hosts: {a: }\n", []string{"a"}},
		{"json", "inv.json", `{"all": {"hosts": {"a": {"ansible_port": 22}}}}`, []string{"a"}},
		{"ini hosts only", "hosts", "a\nb\n", []string{"a", "b"}},
		{"ini that is a YAML mapping of scalars", "hosts", "a motd=\"x: y\"\n", []string{"a"}},
		{"ini sections", "hosts", "[web]\na\n", []string{"a"}},
		{"ini with .ini", "hosts.ini", "a\n", []string{"a"}},
		{"empty", "hosts", "", []string{}},
		{"comments only", "hosts", "# nothing\n; yet\n", []string{}},
		{"empty yaml", "inv.yml", "# nothing yet\n", []string{}},
		{"crlf and bom", "hosts", "\ufeff[web]\r\na x=1\r\n", []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := names(mustParse(t, tt.file, tt.src)); !slices.Equal(got, tt.want) {
				t.Errorf("hosts = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLoad_Missing(t *testing.T) {
	_, err := Load("testdata/no-such-inventory")
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "load ansible inventory: ") {
		t.Errorf("Load = %v, want a wrapped fs.ErrNotExist", err)
	}
}

// TestParse_DirectGroups: a host's direct groups are those it is listed
// in, in file order, never a parent, never all; ungrouped when it is
// listed in no other.
func TestParse_DirectGroups(t *testing.T) {
	hosts, err := Parse("hosts.yml", []byte(`all:
  hosts:
    bastion:
    web1:
  children:
    eu_west:
      children:
        web:
          hosts:
            web1:
            web2:
    canary:
      hosts:
        web2:
`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"bastion": {"ungrouped"}, "web1": {"web"}, "web2": {"web", "canary"}}
	for _, h := range hosts {
		if !slices.Equal(h.DirectGroups, want[h.Name]) {
			t.Errorf("%s: direct groups %v, want %v", h.Name, h.DirectGroups, want[h.Name])
		}
	}
}
