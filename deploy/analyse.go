package deploy

import (
	"context"
	"fmt"
	"github.com/fleetdeploy/fleet/agent"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/analysis"
	"github.com/fleetdeploy/fleet/report"
)

// analyse runs one analysis (strategy.steps[step], or canary_analysis
// when step is -1) and reports each measurement and the verdict. Failed
// is ErrAnalysisFailed, which fails the canary wave (the plan rolls it
// back); Inconclusive is errInconclusive, which pauses the run.
func (t *target) analyse(ctx context.Context, fc *fleetConn, canary []string, step int, spec analysis.Spec, vars analysis.Vars) error {
	name := "canary_analysis"
	if step >= 0 {
		name = "step " + strconv.Itoa(step+1)
	}
	if t.querier == nil {
		return fmt.Errorf("%s: no metrics source: app.analysis.prometheus is needed", name)
	}
	observe := func(m analysis.Measurement) {
		v := m.Value
		t.out.emit(Event{Kind: KindAnalysisMeasure, Step: name, Metric: m.Metric, Value: &v,
			Result: string(m.Outcome), Message: measurementText(m)})
	}
	start := t.out.now()
	res, err := analysis.Run(ctx, t.querier, spec, vars, t.analysisClock(), observe)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	t.recordGate("analysis "+name, res, t.out.now().Sub(start))
	t.out.emit(Event{Kind: KindAnalysisDone, Step: name, Result: string(res.Verdict), Message: res.Reason})
	t.log.Info("analysis", "step", name, "result", res)
	t.recordVerdict(ctx, fc, canary, agent.VerdictArgs{Version: vars.Version, What: "analysis " + name,
		Result: string(res.Verdict), Reason: res.Reason})
	switch res.Verdict {
	case analysis.Failed:
		return fmt.Errorf("%s: %w: %s", name, ErrAnalysisFailed, res.Reason)
	case analysis.Inconclusive:
		return fmt.Errorf("%s: %w: %s", name, errInconclusive, res.Reason)
	}
	return nil
}

// recordGate puts the verdict in the run's record, for --report and
// --junit.
func (t *target) recordGate(name string, res analysis.Result, d time.Duration) {
	if t.rec == nil {
		return
	}
	g := report.Gate{Name: name, Result: report.WavePassed, Duration: report.Of(d)}
	switch res.Verdict {
	case analysis.Failed:
		g.Result, g.Error = report.WaveFailed, res.Reason
	case analysis.Inconclusive:
		g.Result, g.Error = report.GateInconclusive, res.Reason
	}
	t.rec.Analyses = append(t.rec.Analyses, g)
}

// recordVerdict journals the verdict on the canary hosts, so that `fleet
// history` says why the release went on or was rolled back. A failure is
// logged: the verdict stands whether or not it was written down.
func (t *target) recordVerdict(ctx context.Context, fc *fleetConn, canary []string, v agent.VerdictArgs) {
	if len(v.Reason) > 1000 {
		v.Reason = strings.ToValidUTF8(v.Reason[:1000], "")
	}
	err := fc.eachHost(ctx, canary, t.inv.Strategy.Parallel, "verdict", func(ctx context.Context, s *hostSession) error {
		return s.agent.Verdict(ctx, v)
	})
	if err != nil {
		t.log.Warn("verdict not journalled", "err", err)
	}
}

// analysisVars are the query variables for the canary hosts.
func (t *target) analysisVars(canary []string, version string) analysis.Vars {
	v := analysis.Vars{Version: version, Service: t.service(), Hosts: canary}
	port := 0
	if c := t.inv.App.Consul; c != nil {
		port = c.Port
	}
	for _, h := range t.hosts {
		for _, c := range canary {
			if h.Name == c && port > 0 {
				v.Instances = append(v.Instances, net.JoinHostPort(h.Address, strconv.Itoa(port)))
			}
		}
	}
	return v
}

// service is the Consul service name, or the app's name without Consul.
func (t *target) service() string {
	if c := t.inv.App.Consul; c != nil && c.Service != "" {
		return c.Service
	}
	return t.inv.App.Name
}

// analysisClock is Options.Clock, or the real one.
func (t *target) analysisClock() clock {
	if t.clock == nil {
		return clock{analysis.SystemClock{}}
	}
	return clock{t.clock}
}

// clock adds a cancellable sleep to analysis.Clock, for timed pauses.
type clock struct{ analysis.Clock }

func (c clock) sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-c.After(d):
		return nil
	}
}

// measurementText is one measurement for people.
func measurementText(m analysis.Measurement) string {
	switch {
	case m.Err != nil:
		return fmt.Sprintf("%s: %s: %v", m.Metric, m.Outcome, m.Err)
	case m.Outcome == analysis.Pass || m.Outcome == analysis.Fail:
		return fmt.Sprintf("%s = %s (condition %s): %s", m.Metric, strconv.FormatFloat(m.Value, 'g', 4, 64), m.Condition, m.Outcome)
	}
	return fmt.Sprintf("%s: %s (condition %s)", m.Metric, m.Outcome, m.Condition)
}
