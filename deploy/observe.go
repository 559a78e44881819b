package deploy

import (
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/plan"
)

// observer turns plan's state changes into events: host_state for every
// change, wave_started when the first host of a wave starts, and
// host_succeeded / host_failed when a host's step ends. plan calls it one
// event at a time, so it needs no lock.
type observer struct {
	out     *emitter
	main    plan.StepKind // the step of the plan's own waves; others are undo steps
	waves   [][]string
	hosts   map[string]plan.HostPlan
	started map[string]time.Time
	seen    map[waveKey]bool
}

type waveKey struct {
	kind plan.StepKind
	wave int
}

func newObserver(out *emitter, p plan.Plan) *observer {
	o := &observer{out: out, main: plan.StepActivate, waves: p.Waves, hosts: map[string]plan.HostPlan{},
		started: map[string]time.Time{}, seen: map[waveKey]bool{}}
	switch {
	case p.Kind == plan.KindRollback:
		o.main = plan.StepRevert
	case p.Strategy.Kind == plan.StrategyBlueGreen:
		o.main = plan.StepPrepare
	}
	for _, hp := range p.Hosts {
		o.hosts[hp.Host] = hp
	}
	return o
}

func (o *observer) observe(e plan.Event) {
	ev := Event{Kind: KindHostState, Host: e.Host, Wave: e.Wave, Step: string(e.Kind), Mode: string(e.Mode),
		State: string(e.To), Message: e.Reason}
	if e.Err != nil {
		ev.Error = e.Err.Error()
	}
	o.out.emit(ev)
	switch e.To {
	case plan.StateActive:
		o.started[e.Host] = e.Time
		o.waveStarted(e)
	case plan.StateDone:
		o.out.emit(o.finished(KindHostSucceeded, e))
	case plan.StateFailed, plan.StateRollbackFailed:
		o.out.emit(o.finished(KindHostFailed, e))
	}
}

func (o *observer) waveStarted(e plan.Event) {
	k := waveKey{e.Kind, e.Wave}
	if e.Wave <= 0 || o.seen[k] {
		return
	}
	o.seen[k] = true
	ev := Event{Kind: KindWaveStarted, Wave: e.Wave, Step: string(e.Kind), Message: e.Reason}
	if e.Kind == o.main && e.Wave <= len(o.waves) {
		ev.Waves = len(o.waves)
		ev.Hosts = len(o.waves[e.Wave-1])
		ev.Message = strings.Join(o.waves[e.Wave-1], " ")
	}
	o.out.emit(ev)
}

// finished is a host_succeeded or host_failed event, with the versions the
// step moved between (an undo step goes back) and how long it took.
func (o *observer) finished(kind Kind, e plan.Event) Event {
	hp := o.hosts[e.Host]
	from, to := hp.From, hp.To
	if undoes(o.main, e.Kind) {
		from, to = to, from
	}
	ev := Event{Kind: kind, Host: e.Host, Wave: e.Wave, Step: string(e.Kind), Mode: string(e.Mode),
		From: from, To: to, State: string(e.To), Message: e.Reason}
	if t0, ok := o.started[e.Host]; ok && !e.Time.IsZero() {
		ev.DurationMS = e.Time.Sub(t0).Milliseconds()
	}
	if e.Err != nil {
		ev.Error = e.Err.Error()
	}
	return ev
}

// undoes reports whether step kind k moves a host back from what the
// plan's own step did.
func undoes(main, k plan.StepKind) bool {
	switch k {
	case plan.StepDiscard, plan.StepUncut:
		return true
	case plan.StepRevert:
		return main != plan.StepRevert
	}
	return false
}
