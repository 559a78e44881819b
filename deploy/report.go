package deploy

import (
	"slices"
	"time"

	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/report"
)

// Report is the run's report (--report, --junit): one line per host and
// per wave, from the plan and plan's result (either may be missing when
// the run stopped early). result and exitCode are the command's outcome
// in the report's words and as the process exits, err its error, started
// and finished its times.
func (r Record) Report(result string, exitCode int, err error, started, finished time.Time) report.Report {
	who := controllerIdentity(r.ID, "")
	rep := report.Report{
		Schema: report.Schema, Command: r.Command, RolloutID: r.ID, Version: r.Version,
		Result: result, ExitCode: exitCode, User: who.User, Machine: who.Machine, ChangeNote: r.ChangeNote,
		Started: started, Finished: finished, Duration: report.Of(finished.Sub(started)),
		Hosts: []report.Host{}, Waves: []report.Wave{}, Bake: r.Bake, Analyses: r.Analyses,
		Changelog: reportChangelog(r.Changelog),
	}
	if err != nil {
		rep.Error = err.Error()
	}
	if p := r.Provenance; p != nil {
		rep.Revision, rep.Dirty, rep.Build = p.Revision(), p.Dirty(), p.String()
	}
	switch {
	case r.Result != nil:
		for _, h := range r.Result.Hosts {
			rep.Hosts = append(rep.Hosts, reportHost(h, r.wave(h.Host)))
		}
	case r.Plan != nil:
		for _, hp := range r.Plan.Hosts {
			rep.Hosts = append(rep.Hosts, report.Host{Name: hp.Host, From: hp.From, To: hp.To, Mode: string(hp.Mode),
				Wave: hp.Wave, State: string(plan.StateNotStarted), Result: report.HostNotStarted})
		}
	}
	if r.Plan != nil {
		rep.Waves = r.waves(rep.Hosts)
	}
	return rep
}

func (r Record) wave(host string) int {
	if r.Plan == nil {
		return 0
	}
	for _, hp := range r.Plan.Hosts {
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

// waves is each wave's gate: failed when a host of it failed its own
// step, not run when none of its hosts started.
func (r Record) waves(hosts []report.Host) []report.Wave {
	byName := map[string]report.Host{}
	for _, h := range hosts {
		byName[h.Name] = h
	}
	var out []report.Wave
	for i, names := range r.Plan.Waves {
		w := report.Wave{Number: i + 1, Canary: i == 0 && len(r.Plan.Canary) > 0, Hosts: slices.Clone(names), Result: report.WaveNotRun}
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
