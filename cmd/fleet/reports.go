package main

import (
	"slices"
	"time"

	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/report"
)

// build is the run's report: one line per host and per wave, from the
// plan and plan's result (either may be missing when the run stopped
// early).
func (r *runRecord) build(code int, err error, now time.Time) report.Report {
	who := controllerIdentity(r.id, "")
	rep := report.Report{
		Schema: report.Schema, Command: r.command, RolloutID: r.id, Version: r.version,
		Result: resultOf(code), ExitCode: code, User: who.User, Machine: who.Machine,
		Started: r.started, Finished: now, Duration: report.Of(now.Sub(r.started)),
		Hosts: []report.Host{}, Waves: []report.Wave{}, Bake: r.bake,
	}
	if err != nil {
		rep.Error = err.Error()
	}
	switch {
	case r.res != nil:
		for _, h := range r.res.Hosts {
			rep.Hosts = append(rep.Hosts, reportHost(h, r.wave(h.Host)))
		}
	case r.plan != nil:
		for _, hp := range r.plan.Hosts {
			rep.Hosts = append(rep.Hosts, report.Host{Name: hp.Host, From: hp.From, To: hp.To, Mode: string(hp.Mode),
				Wave: hp.Wave, State: string(plan.StateNotStarted), Result: report.HostNotStarted})
		}
	}
	if r.plan != nil {
		rep.Waves = r.waves(rep.Hosts)
	}
	return rep
}

func (r *runRecord) wave(host string) int {
	if r.plan == nil {
		return 0
	}
	for _, hp := range r.plan.Hosts {
		if hp.Host == host {
			return hp.Wave
		}
	}
	return 0
}

func reportHost(h plan.HostResult, wave int) report.Host {
	rh := report.Host{Name: h.Host, From: h.From, To: h.To, Mode: string(h.Mode), Wave: wave,
		State: string(h.State), Result: hostResult(h), Started: h.Started, Finished: h.Finished}
	if !h.Started.IsZero() && !h.Finished.IsZero() {
		rh.Duration = report.Of(h.Finished.Sub(h.Started))
	}
	if h.Err != nil {
		rh.Error = h.Err.Error()
	}
	return rh
}

// hostResult says, in the report's words, where the run left the host.
func hostResult(h plan.HostResult) string {
	switch {
	case h.State == plan.StateRollbackFailed:
		return report.HostStranded
	case h.Err != nil:
		return report.HostFailed
	}
	switch h.State {
	case plan.StateDone:
		return report.HostChanged
	case plan.StateSkipped:
		return report.HostUnchanged
	case plan.StateRolledBack:
		return report.HostRolledBack
	case plan.StateNotStarted:
		return report.HostNotStarted
	}
	return report.HostUnfinished
}

// waves is each wave's gate: failed when a host of it failed its own
// step, not run when none of its hosts started.
func (r *runRecord) waves(hosts []report.Host) []report.Wave {
	byName := map[string]report.Host{}
	for _, h := range hosts {
		byName[h.Name] = h
	}
	var out []report.Wave
	for i, names := range r.plan.Waves {
		w := report.Wave{Number: i + 1, Canary: i == 0 && len(r.plan.Canary) > 0, Hosts: slices.Clone(names), Result: report.WaveNotRun}
		for _, n := range names {
			addToWave(&w, byName[n])
		}
		if len(w.Failed) > 0 {
			w.Result = report.WaveFailed
		}
		if !w.Started.IsZero() && !w.Finished.IsZero() {
			w.Duration = report.Of(w.Finished.Sub(w.Started))
		}
		out = append(out, w)
	}
	return out
}

// addToWave counts one host of the wave: its times, and its failure.
func addToWave(w *report.Wave, h report.Host) {
	if h.Started.IsZero() {
		return
	}
	if w.Result == report.WaveNotRun {
		w.Result = report.WavePassed
	}
	if w.Started.IsZero() || h.Started.Before(w.Started) {
		w.Started = h.Started
	}
	if h.Finished.After(w.Finished) {
		w.Finished = h.Finished
	}
	if h.Result == report.HostFailed {
		w.Failed = append(w.Failed, h.Name)
	}
}
