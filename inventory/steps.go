package inventory

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/analysis"
	"go.yaml.in/yaml/v3"
)

// StepKind is what one of strategy.steps does.
type StepKind string

// The kinds of step, each written as the one key of its list item.
const (
	// StepWeight sets the canary set's share of traffic (Consul weights).
	StepWeight StepKind = "weight"
	// StepPause waits Step.Pause, or until fleet promote when it is 0.
	StepPause StepKind = "pause"
	// StepAnalysis runs Step.Analysis against Prometheus; a failed
	// analysis rolls the canary back.
	StepAnalysis StepKind = "analysis"
)

// Step is one of strategy.steps: a gray release moves the canary's share
// of traffic up by weight steps, with pauses and analyses between them.
// The steps always end their weights at 100%: when the file's last
// weight is lower, Parse adds a 100% step (Implicit) after the last
// step, as Argo Rollouts promotes once its steps are done. 100% is the
// promotion: the rest of the fleet takes the release and every
// instance's weight goes back to normal.
type Step struct {
	Kind     StepKind
	Weight   float64       // StepWeight: percent, 0 < Weight ≤ 100, above every earlier weight
	Pause    time.Duration // StepPause: how long; 0 means until fleet promote
	Analysis *AnalysisStep // StepAnalysis
	Implicit bool          // the 100% step Parse added
	Line     int           // where the step is written; 0 when Implicit
}

// AnalysisStep is what an analysis step measures: the metrics of the
// app.analysis templates it names, then its inline metrics.
type AnalysisStep struct {
	Templates []string      // names in app.analysis.templates, as written
	Spec      analysis.Spec // every metric it runs, defaults applied, names unique
}

// stepContext is what steps need from the app section.
type stepContext struct {
	consulWritten   bool      // app.consul is in the file (broken or not)
	analysis        *Analysis // app.analysis; nil when absent or broken
	analysisWritten bool
}

var (
	stepKinds         = []string{string(StepWeight), string(StepPause), string(StepAnalysis)}
	pauseFields       = []string{"duration"}
	stepAnalysisField = []string{"templates", "metrics"}
)

// steps decodes strategy.steps: each item, the order of weights, and the
// final 100%.
func (d *decoder) steps(n *yaml.Node, a at, sc stepContext) []Step {
	items := d.seq(n, a)
	if m := Deref(n); len(items) == 0 && m != nil && m.Kind == yaml.SequenceNode {
		d.errorf(m, a, "must list at least one step, or be removed")
	}
	var out []Step
	last := 0.0 // the weight so far
	for i, item := range items {
		s, ok := d.step(item, a.index(i), sc)
		if !ok {
			continue
		}
		if i == 0 && s.Kind != StepWeight {
			d.errorf(Deref(item), a.index(i), "the first step must set a weight, such as {weight: 1%%}: before it the canary takes no share of traffic to %s", s.Kind)
		}
		if s.Kind == StepWeight {
			if s.Weight <= last {
				d.errorf(Deref(lookup(item, "weight")), a.index(i).key("weight"), "%s is not above the weight before it (%s): weights only go up",
					formatPercent(s.Weight), formatPercent(last))
			}
			last = max(last, s.Weight)
		}
		out = append(out, s)
	}
	if len(out) > 0 && last < 100 {
		out = append(out, Step{Kind: StepWeight, Weight: 100, Implicit: true})
	}
	return out
}

// step decodes one item: a mapping with exactly one of weight, pause and
// analysis.
func (d *decoder) step(n *yaml.Node, a at, sc stepContext) (Step, bool) {
	m := Deref(n)
	f := d.fields(m, a, stepKinds...)
	if m == nil || m.Kind != yaml.MappingNode {
		return Step{}, false
	}
	if len(f) != 1 {
		if len(f) > 1 || len(m.Content) == 0 {
			d.errorf(m, a, "must set exactly one of weight, pause and analysis")
		}
		return Step{}, false
	}
	s := Step{Line: m.Line}
	before := len(d.errs)
	switch {
	case f["weight"] != nil:
		s.Kind = StepWeight
		setIf(&s.Weight, optional(d, f, "weight", a, d.percent, nil))
	case f["pause"] != nil:
		s.Kind = StepPause
		s.Pause = d.pause(f["pause"], a.key("pause"))
	default:
		s.Kind = StepAnalysis
		s.Analysis = d.stepAnalysis(f["analysis"], a.key("analysis"), sc)
	}
	return s, len(d.errs) == before
}

// percent reads a share written with %: 10%, 0.5%, 100%; at most two
// decimals, above 0 and at most 100.
func (d *decoder) percent(n *yaml.Node, a at) (float64, bool) {
	n = Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		d.errorf(n, a, "must be a percentage such as 10%% or 0.5%%, got %s", describe(n))
		return 0, false
	}
	v, err := parsePercent(n.Value)
	if err != nil {
		d.invalid(n, a, err)
		return 0, false
	}
	return v, true
}

func parsePercent(s string) (float64, error) {
	num, ok := strings.CutSuffix(s, "%")
	whole, frac, _ := strings.Cut(num, ".")
	if !ok || whole == "" || !allDigits(whole) || !allDigits(frac) || len(frac) > 2 || strings.HasSuffix(num, ".") {
		return 0, fmt.Errorf("must be a percentage such as 10%% or 0.5%% (at most two decimals), got %q", s)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v <= 0 || v > 100 {
		return 0, fmt.Errorf("must be above 0%% and at most 100%%, got %q", s)
	}
	return v, nil
}

func allDigits(s string) bool { return strings.Trim(s, "0123456789") == "" }

// formatPercent prints a weight as written: 1%, 0.5%.
func formatPercent(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + "%" }

// pause reads pause: 2m, pause: {duration: 2m} or pause: {} (until
// fleet promote), the forms Argo Rollouts users write.
func (d *decoder) pause(n *yaml.Node, a at) time.Duration {
	m := Deref(n)
	const forms = "write pause: 2m (or {duration: 2m}) to wait, or pause: {} to wait for fleet promote"
	switch {
	case IsNull(m):
		d.errorf(m, a, "has no value: %s", forms)
		return 0
	case m.Kind == yaml.MappingNode:
		f := d.fields(m, a, pauseFields...)
		if _, ok := f["duration"]; !ok {
			return 0 // {}: until fleet promote
		}
		a, m = a.key("duration"), Deref(f["duration"])
	}
	if m.Kind != yaml.ScalarNode {
		d.errorf(m, a, "must be a duration or a mapping: %s", forms)
		return 0
	}
	v, err := time.ParseDuration(m.Value)
	if err != nil || v <= 0 {
		d.errorf(m, a, "must be a duration above 0 such as 2m, got %q: %s", m.Value, forms)
		return 0
	}
	return v
}
