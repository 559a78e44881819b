package inventory

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// grayApp is an app section with Consul and one analysis template,
// lines 1 to 10; grayFile adds a strategy with canary 1 and steps from
// line 14.
const grayApp = `app:
  name: hello
  health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}
  consul: {port: 8080}
  analysis:
    prometheus: {address: 'http://prom:9090'}
    templates:
      - name: errors
        metrics:
          - {name: error_rate, query: 'x{v="{{.Version}}"}', condition: '< 0.01'}
`

func grayFile(steps string) string {
	return grayApp + "strategy:\n  canary: 1\n  steps:\n" + steps + hostsOK
}

func TestParse_Steps(t *testing.T) {
	inv := mustParse(t, grayFile(`    - weight: 0.5%
    - pause: 90s
    - pause: {duration: 2m}
    - analysis: errors
    - weight: 10%
    - analysis:
        templates: [errors]
        metrics: [{name: p99, query: 'q', condition: '<= 300ms', count: 2}]
    - pause: {}
`))
	errorRate := inv.App.Analysis.Templates[0].Spec.Metrics[0]
	p99 := errorRate
	p99.Name, p99.Query, p99.Condition, p99.Count = "p99", "q", "<= 300ms", 2
	want := []Step{
		{Kind: StepWeight, Weight: 0.5, Line: 14},
		{Kind: StepPause, Pause: 90 * time.Second, Line: 15},
		{Kind: StepPause, Pause: 2 * time.Minute, Line: 16},
		{Kind: StepAnalysis, Analysis: &AnalysisStep{Templates: []string{"errors"}, Spec: specOf(errorRate)}, Line: 17},
		{Kind: StepWeight, Weight: 10, Line: 18},
		{Kind: StepAnalysis, Analysis: &AnalysisStep{Templates: []string{"errors"}, Spec: specOf(errorRate, p99)}, Line: 19},
		{Kind: StepPause, Line: 22},
		{Kind: StepWeight, Weight: 100, Implicit: true},
	}
	if !reflect.DeepEqual(inv.Strategy.Steps, want) {
		t.Errorf("Steps:\n got %+v\nwant %+v", inv.Strategy.Steps, want)
	}
	if errorRate.Interval != 30*time.Second || errorRate.Count != 3 || errorRate.NoData != "fail" {
		t.Errorf("template metric without its defaults: %+v", errorRate)
	}
}

func TestParse_StepsEndingAt100(t *testing.T) {
	inv := mustParse(t, grayFile("    - weight: 50%\n    - weight: 100%\n    - analysis: errors\n"))
	if n := len(inv.Strategy.Steps); n != 3 || inv.Strategy.Steps[1].Implicit {
		t.Errorf("Steps = %+v: a written 100%% needs no implicit one", inv.Strategy.Steps)
	}
}

func TestParse_StepErrors(t *testing.T) {
	noAnalysis := strings.Replace(grayApp, "  analysis:\n    prometheus: {address: 'http://prom:9090'}\n    templates:\n      - name: errors\n        metrics:\n          - {name: error_rate, query: 'x{v=\"{{.Version}}\"}', condition: '< 0.01'}\n", "", 1)
	noConsul := strings.Replace(grayApp, "  consul: {port: 8080}\n", "", 1)
	runErrorCases(t, []errorCase{
		{"weight without %", grayFile("    - weight: 10\n"), "fleet.yaml:14:15: strategy.steps[0].weight: must be a percentage such as 10% or 0.5%, got an integer"},
		{"weight 0%", grayFile("    - weight: 0%\n"), "fleet.yaml:14:15: strategy.steps[0].weight: must be above 0% and at most 100%"},
		{"weight above 100%", grayFile("    - weight: 101%\n"), "strategy.steps[0].weight: must be above 0% and at most 100%, got \"101%\""},
		{"three decimals", grayFile("    - weight: 0.125%\n"), "strategy.steps[0].weight: must be a percentage such as 10% or 0.5% (at most two decimals)"},
		{"weights go down", grayFile("    - weight: 10%\n    - weight: 5%\n"), "fleet.yaml:15:15: strategy.steps[1].weight: 5% is not above the weight before it (10%): weights only go up"},
		{"two kinds", grayFile("    - {weight: 1%, pause: 1m}\n"), "fleet.yaml:14:7: strategy.steps[0]: must set exactly one of weight, pause and analysis"},
		{"Argo spelling", grayFile("    - setWeight: 10\n"), "fleet.yaml:14:7: strategy.steps[0].setWeight: unknown field"},
		{"not a mapping", grayFile("    - pause\n"), "fleet.yaml:14:7: strategy.steps[0]: must be a mapping, got \"pause\""},
		{"first step not a weight", grayFile("    - pause: 1m\n    - weight: 1%\n"), "fleet.yaml:14:7: strategy.steps[0]: the first step must set a weight"},
		{"pause without value", grayFile("    - weight: 1%\n    - pause:\n"), "strategy.steps[1].pause: has no value: write pause: 2m (or {duration: 2m}) to wait, or pause: {} to wait for fleet promote"},
		{"pause forever", grayFile("    - weight: 1%\n    - pause: forever\n"), "fleet.yaml:15:14: strategy.steps[1].pause: must be a duration above 0 such as 2m, got \"forever\""},
		{"pause 0s", grayFile("    - weight: 1%\n    - pause: 0s\n"), "strategy.steps[1].pause: must be a duration above 0"},
		{"pause duration", grayFile("    - weight: 1%\n    - pause: {duration: soon}\n"), "fleet.yaml:15:25: strategy.steps[1].pause.duration: must be a duration above 0"},
		{"pause unknown key", grayFile("    - weight: 1%\n    - pause: {durations: 1m}\n"), "strategy.steps[1].pause.durations: unknown field (did you mean \"duration\"?)"},
		{"unknown template", grayFile("    - weight: 1%\n    - analysis: erors\n"), "fleet.yaml:15:17: strategy.steps[1].analysis: no template \"erors\" in app.analysis.templates (did you mean \"errors\"?)"},
		{"unknown template in a list", grayFile("    - weight: 1%\n    - analysis: {templates: [errors, latency]}\n"), "strategy.steps[1].analysis.templates[1]: no template \"latency\""},
		{"empty analysis", grayFile("    - weight: 1%\n    - analysis: {}\n"), "strategy.steps[1].analysis: must name templates or list metrics"},
		{"inline metric", grayFile("    - weight: 1%\n    - analysis: {metrics: [{name: m, query: q, condition: '~ 1'}]}\n"), "fleet.yaml:15:59: strategy.steps[1].analysis.metrics[0].condition: \"~ 1\" does not start with a comparison"},
		{"two metrics of one name", grayFile("    - weight: 1%\n    - analysis: {templates: [errors], metrics: [{name: error_rate, query: q, condition: '< 1'}]}\n"), "strategy.steps[1].analysis: runs two metrics named error_rate"},
		{"empty steps", grayFile("    []\n"), "fleet.yaml:14:5: strategy.steps: must list at least one step, or be removed"},
		{"analysis without app.analysis", strings.Replace(grayFile("    - weight: 1%\n    - analysis: errors\n"), grayApp, noAnalysis, 1),
			"strategy.steps[1].analysis: needs app.analysis"},
		{"no consul", strings.Replace(grayFile("    - weight: 1%\n"), grayApp, noConsul, 1),
			"fleet.yaml:13:5: strategy.steps: need app.consul: fleet sets each step's share of traffic through the instances' Consul weights"},
		{"no canary", strings.Replace(grayFile("    - weight: 1%\n"), "  canary: 1\n", "", 1),
			"fleet.yaml:13:5: strategy.steps: move traffic to the canary hosts, but there are none; set canary"},
		{"canary 0", strings.Replace(grayFile("    - weight: 1%\n"), "  canary: 1\n", "  canary: 0%\n", 1),
			"fleet.yaml:12:11: strategy.canary: is 0%, but steps move traffic to the canary hosts"},
		{"blue/green", strings.Replace(grayFile("    - weight: 1%\n"), "  canary: 1\n", "  canary: 1\n  blue_green: true\n", 1),
			"strategy.blue_green: cannot be combined with steps yet"},
		{"pause after canary", strings.Replace(grayFile("    - weight: 1%\n"), "  canary: 1\n", "  canary: 1\n  pause_after_canary: true\n", 1),
			"strategy.pause_after_canary: with steps, pause with a step: - pause: {} waits for fleet promote"},
		{"canary bake", strings.Replace(grayFile("    - weight: 1%\n"), "  canary: 1\n", "  canary: 1\n  canary_bake: 5m\n", 1),
			"strategy.canary_bake: with steps, wait with a step such as - pause: 5m0s"},
	})
}

func TestParse_CanaryAnalysis(t *testing.T) {
	inv := mustParse(t, grayApp+"strategy:\n  canary: 1\n  canary_bake: 1m\n  canary_analysis: errors\n"+hostsOK)
	ca := inv.Strategy.CanaryAnalysis
	if ca == nil || !reflect.DeepEqual(ca.Templates, []string{"errors"}) || len(ca.Spec.Metrics) != 1 || inv.Strategy.Steps != nil {
		t.Errorf("CanaryAnalysis = %+v", ca)
	}
	runErrorCases(t, []errorCase{
		{"no canary", grayApp + "strategy:\n  canary_analysis: errors\n" + hostsOK,
			"fleet.yaml:12:20: strategy.canary_analysis: is set, but canary is 0, so there is nothing to analyse; set canary"},
		{"with steps", grayApp + "strategy:\n  canary: 1\n  canary_analysis: errors\n  steps: [{weight: 1%}]\n" + hostsOK,
			"fleet.yaml:13:20: strategy.canary_analysis: with steps, analyse with a step"},
		{"unknown template", grayApp + "strategy:\n  canary: 1\n  canary_analysis: latency\n" + hostsOK,
			"fleet.yaml:13:20: strategy.canary_analysis: no template \"latency\" in app.analysis.templates"},
	})
}
