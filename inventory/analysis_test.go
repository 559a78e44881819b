package inventory

import (
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/analysis"
)

func specOf(ms ...analysis.Metric) analysis.Spec { return analysis.Spec{Metrics: ms} }

func TestParse_Analysis(t *testing.T) {
	inv := mustParse(t, `app:
  name: hello
  health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}
  analysis:
    prometheus: {address: 'https://prom.example.com/prometheus', timeout: 3s, bearer_token_env: PROM_TOKEN}
    templates:
      - name: latency
        metrics:
          - name: p99
            query: 'histogram_quantile(0.99, x{version="{{.Version}}"})'
            condition: <= 300ms
            interval: 10s
            count: 5
            failure_limit: 2
            no_data: inconclusive
            initial_delay: 1m
`+hostsOK)
	want := &Analysis{
		Prometheus: Prometheus{Address: "https://prom.example.com/prometheus", Timeout: 3 * time.Second, BearerTokenEnv: "PROM_TOKEN"},
		Templates: []AnalysisTemplate{{Name: "latency", Spec: specOf(analysis.Metric{
			Name: "p99", Query: `histogram_quantile(0.99, x{version="{{.Version}}"})`, Condition: "<= 300ms",
			Interval: 10 * time.Second, Count: 5, FailureLimit: 2, NoData: analysis.NoDataInconclusive, InitialDelay: time.Minute,
		})}},
	}
	if got := inv.App.Analysis; got == nil || got.Prometheus != want.Prometheus || !equalTemplates(got.Templates, want.Templates) {
		t.Errorf("Analysis:\n got %+v\nwant %+v", got, want)
	}
	if err := inv.App.Analysis.Templates[0].Spec.Validate(); err != nil {
		t.Errorf("a loaded template fails analysis's own Validate: %v", err)
	}
}

func equalTemplates(a, b []AnalysisTemplate) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || len(a[i].Spec.Metrics) != len(b[i].Spec.Metrics) {
			return false
		}
		for j := range a[i].Spec.Metrics {
			if a[i].Spec.Metrics[j] != b[i].Spec.Metrics[j] {
				return false
			}
		}
	}
	return true
}

func TestParse_AnalysisErrors(t *testing.T) {
	file := func(block string) string {
		return "app:\n  name: hello\n  health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}\n  analysis:\n" + block + hostsOK
	}
	prom := "    prometheus: {address: 'http://prom:9090'}\n"
	metric := func(fields string) string {
		return prom + "    templates:\n      - name: t\n        metrics:\n          - " + fields + "\n"
	}
	runErrorCases(t, []errorCase{
		{"null", "app:\n  name: hello\n  health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}\n  analysis:\n" + hostsOK,
			"fleet.yaml:4:12: app.analysis: must be a mapping with prometheus and templates"},
		{"no prometheus", file("    templates: []\n"), "fleet.yaml:5:5: app.analysis.prometheus: is required: analyses query it"},
		{"no address", file("    prometheus: {timeout: 1s}\n"), "fleet.yaml:5:17: app.analysis.prometheus.address: is required"},
		{"address without scheme", file("    prometheus: {address: 'prom:9090'}\n"), "fleet.yaml:5:27: app.analysis.prometheus.address: must start with http:// or https://"},
		{"credentials in the address", file("    prometheus: {address: 'http://u:p@prom:9090'}\n"), "app.analysis.prometheus.address: must not hold credentials"},
		{"bad token variable", file("    prometheus: {address: 'http://prom:9090', bearer_token_env: 'A-B'}\n"), "app.analysis.prometheus.bearer_token_env: must be an environment variable name"},
		{"zero timeout", file("    prometheus: {address: 'http://prom:9090', timeout: 0s}\n"), "app.analysis.prometheus.timeout:"},
		{"template without metrics", file(prom + "    templates:\n      - name: t\n"), "fleet.yaml:7:9: app.analysis.templates[0].metrics: must list at least one metric"},
		{"template without name", file(prom + "    templates:\n      - metrics: [{name: m, query: q, condition: '< 1'}]\n"), "fleet.yaml:7:9: app.analysis.templates[0].name: is required"},
		{"duplicate template", file(prom + "    templates:\n      - {name: t, metrics: [{name: m, query: q, condition: '< 1'}]}\n      - {name: t, metrics: [{name: m, query: q, condition: '< 1'}]}\n"),
			"fleet.yaml:8:16: app.analysis.templates[1].name: duplicate template t (also templates[0])"},
		{"missing query", file(metric("{name: m, condition: '< 1'}")), "fleet.yaml:9:13: app.analysis.templates[0].metrics[0].query: is required"},
		{"misspelt variable", file(metric("{name: m, query: 'x{v=\"{{.Versoin}}\"}', condition: '< 1'}")),
			"fleet.yaml:9:30: app.analysis.templates[0].metrics[0].query: cannot be rendered"},
		{"bad condition", file(metric("{name: m, query: q, condition: '== 1'}")),
			"fleet.yaml:9:44: app.analysis.templates[0].metrics[0].condition: \"==\" is not a comparison fleet knows"},
		{"short interval", file(metric("{name: m, query: q, condition: '< 1', interval: 100ms}")), "app.analysis.templates[0].metrics[0].interval: must be at least 1s"},
		{"count 0", file(metric("{name: m, query: q, condition: '< 1', count: 0}")), "app.analysis.templates[0].metrics[0].count: must be between 1 and 1000"},
		{"limit not below count", file(metric("{name: m, query: q, condition: '< 1', count: 2, failure_limit: 2}")),
			"fleet.yaml:9:76: app.analysis.templates[0].metrics[0].failure_limit: is 2 with count 2, so the metric could never fail"},
		{"limit not below the default count", file(metric("{name: m, query: q, condition: '< 1', failure_limit: 3}")),
			"app.analysis.templates[0].metrics[0].failure_limit: is 3 with count 3"},
		{"no_data", file(metric("{name: m, query: q, condition: '< 1', no_data: ignore}")), "app.analysis.templates[0].metrics[0].no_data: must be fail or inconclusive, got \"ignore\""},
		{"unknown metric field", file(metric("{name: m, query: q, condition: '< 1', successCondition: x}")), "app.analysis.templates[0].metrics[0].successCondition: unknown field"},
		{"duplicate metric", file(prom + "    templates:\n      - name: t\n        metrics:\n          - {name: m, query: q, condition: '< 1'}\n          - {name: m, query: q, condition: '< 1'}\n"),
			"fleet.yaml:10:20: app.analysis.templates[0].metrics[1].name: duplicate metric m (also metrics[0])"},
		{"unquoted >", file(prom + "    templates:\n      - name: t\n        metrics:\n          - name: m\n            query: q\n            condition: >= 0.99\n"),
			"invalid YAML: did not find expected comment or line break; a value that starts with > must be quoted"},
	})
}

func TestFoldedHint_OnlyForValues(t *testing.T) {
	for _, line := range []string{"  description: >", "  description: >-", "  x: 'a > b'"} {
		if h := foldedHint([]byte(line), 1); h != "" {
			t.Errorf("foldedHint(%q) = %q", line, h)
		}
	}
	if h := foldedHint([]byte("a\n    condition: > 0.99"), 2); !strings.Contains(h, "quoted") {
		t.Errorf("foldedHint missed a condition: %q", h)
	}
}
