package analysis

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"text/template"
)

// Vars are what a query template may use. The engine fills them for each
// analysis; they are the only names a template can refer to.
type Vars struct {
	Version         string   // the release being analysed: {{.Version}}
	PreviousVersion string   // what the canary ran before: {{.PreviousVersion}}
	Service         string   // the Consul service name: {{.Service}}
	Hosts           []string // the canary hosts' names: {{.Hosts}} renders them as a regex alternation
	Instances       []string // the canary instances (host:port): {{.Instances}}, likewise
	Step            int      // the index of the analysis step in strategy.steps: {{.Step}}
}

// SampleVars are the values Validate executes templates with, so a
// misspelt name fails when the inventory loads, not mid-rollout.
var SampleVars = Vars{
	Version: "v2", PreviousVersion: "v1", Service: "hello",
	Hosts: []string{"web1", "web2.example.com"}, Instances: []string{"10.0.0.1:8081"}, Step: 2,
}

// Query is a parsed query template.
type Query struct {
	text string
	tmpl *template.Template
}

// ParseQuery parses a PromQL text/template and executes it once with
// SampleVars: an unknown name ({{.Versoin}}) is an error here, as is a
// template that renders an empty query.
func ParseQuery(text string) (*Query, error) {
	if strings.TrimSpace(text) == "" {
		return nil, errors.New("is empty: write a PromQL query that returns one number")
	}
	t, err := template.New("query").Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("is not a valid template: %w", err)
	}
	q := &Query{text: text, tmpl: t}
	out, err := q.Render(SampleVars)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(out) == "" {
		return nil, errors.New("renders an empty query")
	}
	return q, nil
}

// Render executes the template with v. Hosts and Instances render as
// escaped regex alternations ready for a double-quoted PromQL matcher:
// instance=~"{{.Instances}}".
func (q *Query) Render(v Vars) (string, error) {
	var b strings.Builder
	if err := q.tmpl.Execute(&b, v.data()); err != nil {
		return "", fmt.Errorf("cannot be rendered: %w (names: %s)", err, varNames)
	}
	return b.String(), nil
}

// String is the template as written.
func (q *Query) String() string { return q.text }

const varNames = ".Version, .PreviousVersion, .Service, .Hosts, .Instances, .Step"

// data is the template's dot: a map, so that missingkey=error turns a
// misspelt name into an error rather than "<no value>".
func (v Vars) data() map[string]any {
	return map[string]any{
		"Version": v.Version, "PreviousVersion": v.PreviousVersion, "Service": v.Service,
		"Hosts": RegexAlternation(v.Hosts), "Instances": RegexAlternation(v.Instances), "Step": v.Step,
	}
}

// RegexAlternation joins names into a regex that matches exactly them,
// "web1|web2\\.example\\.com", escaped twice: once for RE2, once for the
// PromQL string literal it goes in (where a lone backslash would start
// an escape sequence). PromQL anchors =~ matchers, so no ^ or $. No
// names renders a regex that matches nothing.
func RegexAlternation(names []string) string {
	if len(names) == 0 {
		return `[^\\s\\S]` // matches no value at all: an empty list must not select everything
	}
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = promQLString(regexp.QuoteMeta(n))
	}
	return strings.Join(parts, "|")
}

// promQLString escapes s for the inside of a double-quoted PromQL string.
func promQLString(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}
