package analysis

import (
	"strings"
	"testing"
)

const errorRate = `sum(rate(hello_requests_total{code=~"5..",version="{{.Version}}"}[30s])) / sum(rate(hello_requests_total{version="{{.Version}}"}[30s]))`

func TestParseQuery_RendersVars(t *testing.T) {
	q, err := ParseQuery(errorRate + ` and on() vector({{.Step}}) > 0 # {{.Service}} {{.PreviousVersion}} {{.Hosts}} {{.Instances}}`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := q.Render(Vars{Version: "v2", PreviousVersion: "v1", Service: "hello", Hosts: []string{"web1", "web2.a-b"},
		Instances: []string{"10.0.0.1:8081"}, Step: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := `sum(rate(hello_requests_total{code=~"5..",version="v2"}[30s])) / sum(rate(hello_requests_total{version="v2"}[30s])) and on() vector(3) > 0 # hello v1 web1|web2\\.a-b 10\\.0\\.0\\.1:8081`
	if got != want {
		t.Errorf("Render:\n got %s\nwant %s", got, want)
	}
}

func TestParseQuery_Refused(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "is empty"},
		{"  ", "is empty"},
		{`up{version="{{.Versoin}}"}`, "Versoin"},
		{`up{version="{{.Version}"}`, "not a valid template"},
		{`{{if false}}x{{end}}`, "renders an empty query"},
		{`{{.Hosts.Name}}`, "cannot be rendered"},
	} {
		_, err := ParseQuery(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseQuery(%q) = %v, want an error with %q", tc.in, err, tc.want)
		}
	}
}

func TestRegexAlternation(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{"web1"}, "web1"},
		{[]string{"web1", "web2"}, "web1|web2"},
		{[]string{"a.b", "c+d", `e"f`}, `a\\.b|c\\+d|e\"f`},
		{nil, `[^\\s\\S]`},
	} {
		if got := RegexAlternation(tc.in); got != tc.want {
			t.Errorf("RegexAlternation(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
