package inventory

import (
	"github.com/fleetdeploy/fleet/analysis"
	"go.yaml.in/yaml/v3"
)

// stepAnalysis reads an analysis step: the name of a template, or a
// mapping with templates (names) and metrics (inline, as in a template).
func (d *decoder) stepAnalysis(n *yaml.Node, a at, sc stepContext) *AnalysisStep {
	m := Deref(n)
	if sc.analysis == nil {
		if !sc.analysisWritten {
			d.errorf(m, a, "needs app.analysis: where Prometheus is, and the templates steps run")
		}
		return nil
	}
	sa := &AnalysisStep{}
	switch {
	case m != nil && m.Kind == yaml.ScalarNode && !IsNull(m):
		sa.Templates = d.templateNames([]*yaml.Node{m}, a, sc.analysis, false)
	case m != nil && m.Kind == yaml.MappingNode:
		f := d.fields(m, a, stepAnalysisField...)
		sa.Templates = d.templateNames(d.seq(f["templates"], a.key("templates")), a.key("templates"), sc.analysis, true)
		if _, ok := f["metrics"]; ok {
			sa.Spec = d.metrics(m, f["metrics"], a.key("metrics"))
		} else if _, ok := f["templates"]; !ok {
			d.errorf(m, a, "must name templates or list metrics")
		}
	default:
		d.errorf(m, a, "must be a template's name, or a mapping with templates and metrics, got %s", describe(m))
		return nil
	}
	sa.Spec.Metrics = append(templateMetrics(sa.Templates, sc.analysis), sa.Spec.Metrics...)
	d.uniqueMetrics(m, a, sa)
	return sa
}

// templateNames resolves names in app.analysis.templates; list says
// whether they come from a list (whose items are indexed in messages).
func (d *decoder) templateNames(items []*yaml.Node, a at, an *Analysis, list bool) []string {
	known := make([]string, len(an.Templates))
	for i, t := range an.Templates {
		known[i] = t.Name
	}
	var names []string
	for i, item := range items {
		ia := a
		if list {
			ia = a.index(i)
		}
		name, ok := d.str(item, ia)
		if !ok {
			continue
		}
		if templateByName(an, name) == nil {
			d.errorf(Deref(item), ia, "no template %q in app.analysis.templates%s", name, Suggest(name, known))
			continue
		}
		names = append(names, name)
	}
	return names
}

func templateByName(an *Analysis, name string) *AnalysisTemplate {
	for i := range an.Templates {
		if an.Templates[i].Name == name {
			return &an.Templates[i]
		}
	}
	return nil
}

// templateMetrics is the metrics of the named templates, in order.
func templateMetrics(names []string, an *Analysis) []analysis.Metric {
	var out []analysis.Metric
	for _, name := range names {
		out = append(out, templateByName(an, name).Spec.Metrics...)
	}
	return out
}

// uniqueMetrics refuses a step whose templates and inline metrics bring
// two metrics of one name: results and events name metrics, so the two
// could not be told apart.
func (d *decoder) uniqueMetrics(n *yaml.Node, a at, sa *AnalysisStep) {
	seen := map[string]bool{}
	for _, m := range sa.Spec.Metrics {
		if seen[m.Name] {
			d.errorf(n, a, "runs two metrics named %s (from its templates %v or its metrics): rename one", m.Name, sa.Templates)
			return
		}
		seen[m.Name] = true
	}
	if len(sa.Spec.Metrics) == 0 && len(d.errs) == 0 {
		d.errorf(n, a, "runs no metric")
	}
}
