package inventory

import (
	"errors"
	"fmt"
	"time"

	"github.com/fleetdeploy/fleet/analysis"
	"github.com/fleetdeploy/fleet/appspec"
	"go.yaml.in/yaml/v3"
)

// Analysis is app.analysis: the Prometheus that judges a gray release,
// and the named analyses its steps run (strategy.steps' analysis). Each
// metric is checked with package analysis's rules, the ones Run applies.
type Analysis struct {
	Prometheus Prometheus
	Templates  []AnalysisTemplate // in file order, names unique
}

// Prometheus is where analyses send their queries.
type Prometheus struct {
	Address        string        // http(s)://host:port, analysis.ValidAddress
	Timeout        time.Duration // per query; default 10s
	BearerTokenEnv string        // environment variable on the controller holding a bearer token; optional
}

// AnalysisTemplate is a named analysis steps refer to.
type AnalysisTemplate struct {
	Name string
	Spec analysis.Spec // metrics with their defaults applied
}

const defaultPrometheusTimeout = 10 * time.Second

var (
	analysisFields   = []string{"prometheus", "templates"}
	prometheusFields = []string{"address", "timeout", "bearer_token_env"}
	templateFields   = []string{"name", "metrics"}
	metricFields     = []string{"name", "query", "condition", "interval", "count", "failure_limit", "no_data", "initial_delay"}
)

// analysisBlock decodes app.analysis; nil when it is absent or broken.
func (d *decoder) analysisBlock(n *yaml.Node, a at) *Analysis {
	m := Deref(n)
	if IsNull(m) {
		d.errorf(m, a, "must be a mapping with prometheus and templates; remove it if no step runs an analysis")
		return nil
	}
	before := len(d.errs)
	f := d.fields(m, a, analysisFields...)
	out := &Analysis{}
	if pn, ok := f["prometheus"]; ok {
		out.Prometheus = d.prometheus(pn, a.key("prometheus"))
	} else {
		d.errorf(m, a.key("prometheus"), "is required: analyses query it")
	}
	out.Templates = d.templates(f["templates"], a.key("templates"))
	if len(d.errs) > before {
		return nil
	}
	return out
}

func (d *decoder) prometheus(n *yaml.Node, a at) Prometheus {
	f := d.fields(n, a, prometheusFields...)
	p := Prometheus{Timeout: defaultPrometheusTimeout}
	setIf(&p.Address, optional(d, f, "address", a, d.str, analysis.ValidAddress))
	if _, ok := f["address"]; !ok {
		d.errorf(orAt(n, nil), a.key("address"), "is required, such as http://prometheus:9090")
	}
	setIf(&p.Timeout, optional(d, f, "timeout", a, d.duration, appspec.Positive))
	setIf(&p.BearerTokenEnv, optional(d, f, "bearer_token_env", a, d.str, validEnvName))
	return p
}

func (d *decoder) templates(n *yaml.Node, a at) []AnalysisTemplate {
	var out []AnalysisTemplate
	seen := map[string]int{}
	for i, item := range d.seq(n, a) {
		t, ok := d.template(item, a.index(i))
		if !ok {
			continue
		}
		if j, dup := seen[t.Name]; dup {
			d.errorf(Deref(lookup(item, "name")), a.index(i).key("name"), "duplicate template %s (also templates[%d])", t.Name, j)
			continue
		}
		seen[t.Name] = i
		out = append(out, t)
	}
	return out
}

// template decodes one named analysis; ok is false when any part of it
// is wrong.
func (d *decoder) template(n *yaml.Node, a at) (AnalysisTemplate, bool) {
	before := len(d.errs)
	f := d.fields(n, a, templateFields...)
	var t AnalysisTemplate
	setIf(&t.Name, optional(d, f, "name", a, d.str, analysis.ValidName))
	if _, ok := f["name"]; !ok {
		d.errorf(orAt(n, nil), a.key("name"), "is required")
	}
	t.Spec = d.metrics(n, f["metrics"], a.key("metrics"))
	return t, len(d.errs) == before
}

// metrics decodes a list of metrics and then runs analysis's own
// Validate over them, for the rules between fields and between metrics
// (failure_limit below count, unique names), placed at their field.
func (d *decoder) metrics(parent, n *yaml.Node, a at) analysis.Spec {
	items := d.seq(n, a)
	if len(items) == 0 {
		d.errorf(orAt(n, parent), a, "must list at least one metric")
		return analysis.Spec{}
	}
	before := len(d.errs)
	var spec analysis.Spec
	for i, item := range items {
		spec.Metrics = append(spec.Metrics, d.metric(item, a.index(i)))
	}
	if len(d.errs) > before {
		return spec
	}
	for _, err := range unjoin(spec.Validate()) {
		d.specError(items, a, err)
	}
	return spec
}

// metric decodes one metric, each field with its rule from analysis, and
// applies the defaults.
func (d *decoder) metric(n *yaml.Node, a at) analysis.Metric {
	f := d.fields(n, a, metricFields...)
	var m analysis.Metric
	for _, req := range []string{"name", "query", "condition"} {
		if _, ok := f[req]; !ok {
			d.errorf(orAt(n, nil), a.key(req), "is required")
		}
	}
	setIf(&m.Name, optional(d, f, "name", a, d.str, analysis.ValidName))
	setIf(&m.Query, optional(d, f, "query", a, d.str, func(s string) error { _, err := analysis.ParseQuery(s); return err }))
	setIf(&m.Condition, optional(d, f, "condition", a, d.str, func(s string) error { _, err := analysis.ParseCondition(s); return err }))
	setIf(&m.Interval, optional(d, f, "interval", a, d.duration, analysis.ValidInterval))
	setIf(&m.Count, optional(d, f, "count", a, d.integer, analysis.ValidCount))
	setIf(&m.FailureLimit, optional(d, f, "failure_limit", a, d.integer, nil))
	setIf(&m.NoData, optional(d, f, "no_data", a, d.noData, nil))
	setIf(&m.InitialDelay, optional(d, f, "initial_delay", a, d.duration, nil))
	return m.WithDefaults()
}

func (d *decoder) noData(n *yaml.Node, a at) (analysis.NoDataPolicy, bool) {
	s, ok := d.str(n, a)
	if !ok {
		return "", false
	}
	p, err := analysis.ParseNoData(s)
	if err != nil {
		d.invalid(Deref(n), a, err)
		return "", false
	}
	return p, true
}

// specError places one of analysis.Validate's errors at the field it
// names ("metrics[1].failure_limit"), or at the metric when the file does
// not hold that field (a default broke the rule).
func (d *decoder) specError(items []*yaml.Node, a at, err error) {
	var fe *analysis.FieldError
	if !errors.As(err, &fe) {
		d.errorf(nil, a, "%s", err)
		return
	}
	var i int
	var field string
	if _, scanErr := fmt.Sscanf(fe.Field, "metrics[%d].%s", &i, &field); scanErr != nil || i < 0 || i >= len(items) {
		d.errorf(nil, a, "%s", err)
		return
	}
	d.invalid(orAt(lookup(items[i], field), items[i]), a.index(i).key(field), fe.Err)
}

// unjoin lists the errors errors.Join put together.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		if _, field := err.(*analysis.FieldError); !field {
			return j.Unwrap()
		}
	}
	return []error{err}
}
