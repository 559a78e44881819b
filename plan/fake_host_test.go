package plan_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/fleetdeploy/fleet/plan"
)

// gateHost is a plan.Host whose every Apply blocks until the test releases
// it. Tests run it inside a synctest bubble: after synctest.Wait, every
// step Run could start has reached Apply, so what is in flight is exact
// and the test decides, step by step, which host finishes next and how.
type gateHost struct {
	mu    sync.Mutex
	calls []*call // every Apply call, in arrival order

	all     gauge // every step in flight
	inPlace gauge // rolling steps (activate, revert) in place
	surge   gauge // rolling steps that surge
	prepare gauge // blue/green prepares
}

// gauge counts steps in flight and remembers the most at once.
type gauge struct {
	now, max atomic.Int64
}

func (g *gauge) enter() {
	n := g.now.Add(1)
	for old := g.max.Load(); n > old && !g.max.CompareAndSwap(old, n); old = g.max.Load() {
	}
}

func (g *gauge) leave() { g.now.Add(-1) }

// gauges lists the gauges a step counts in.
func (g *gateHost) gauges(s plan.Step) []*gauge {
	out := []*gauge{&g.all}
	switch {
	case s.Kind == plan.StepPrepare:
		out = append(out, &g.prepare)
	case s.Kind != plan.StepActivate && s.Kind != plan.StepRevert:
	case s.Mode == plan.ModeSurge:
		out = append(out, &g.surge)
	default:
		out = append(out, &g.inPlace)
	}
	return out
}

// call is one Apply in progress or done.
type call struct {
	step     plan.Step
	release  chan error
	released bool
	// ctxErr is ctx.Err() as Apply returned: in-flight steps must never
	// see the run's cancellation.
	ctxErr error
}

var _ plan.Host = (*gateHost)(nil)

func (g *gateHost) Apply(ctx context.Context, s plan.Step) error {
	c := &call{step: s, release: make(chan error)}
	g.mu.Lock()
	g.calls = append(g.calls, c)
	g.mu.Unlock()
	gauges := g.gauges(s)
	for _, ga := range gauges {
		ga.enter()
	}
	err := <-c.release
	c.ctxErr = ctx.Err()
	for _, ga := range gauges {
		ga.leave()
	}
	return err
}

// pending returns the calls not yet released, oldest first.
func (g *gateHost) pending() []*call {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []*call
	for _, c := range g.calls {
		if !c.released {
			out = append(out, c)
		}
	}
	return out
}

// pendingHosts names the hosts of pending calls, oldest first.
func (g *gateHost) pendingHosts() []string {
	var hosts []string
	for _, c := range g.pending() {
		hosts = append(hosts, c.step.Host)
	}
	return hosts
}

// finish lets c's Apply return err.
func (g *gateHost) finish(c *call, err error) {
	g.mu.Lock()
	c.released = true
	g.mu.Unlock()
	c.release <- err
}

// finishHost releases the pending call for host, failing the test if
// there is none.
func (g *gateHost) finishHost(t testing.TB, host string, err error) {
	t.Helper()
	for _, c := range g.pending() {
		if c.step.Host == host {
			g.finish(c, err)
			return
		}
	}
	t.Fatalf("no step in flight for %s; in flight: %v", host, g.pendingHosts())
}

// steps lists every call's step, in arrival order.
func (g *gateHost) steps() []plan.Step {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]plan.Step, len(g.calls))
	for i, c := range g.calls {
		out[i] = c.step
	}
	return out
}

// started runs plan.Run in the background; the returned channel yields
// its result. Call it inside a synctest bubble.
func started(ctx context.Context, p plan.Plan, h plan.Host, o plan.Options) <-chan plan.Result {
	done := make(chan plan.Result, 1)
	go func() { done <- plan.Run(ctx, p, h, o) }()
	return done
}

// drive runs p to completion inside the current bubble, always releasing
// the oldest step in flight with what decide returns for it.
func drive(t *testing.T, ctx context.Context, p plan.Plan, o plan.Options, decide func(plan.Step) error) (plan.Result, *gateHost) {
	t.Helper()
	g := &gateHost{}
	done := started(ctx, p, g, o)
	for {
		synctest.Wait()
		select {
		case res := <-done:
			return res, g
		default:
		}
		pending := g.pending()
		if len(pending) == 0 {
			t.Fatal("Run is blocked with no step in flight")
		}
		g.finish(pending[0], decide(pending[0].step))
	}
}

// recorder is an Observer that keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []plan.Event
}

func (r *recorder) observe(ev plan.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

func (r *recorder) all() []plan.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]plan.Event(nil), r.events...)
}
