package deploy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// fleetConn holds a session to every selected host.
type fleetConn struct {
	mu       sync.Mutex
	sessions map[string]*hostSession
}

func (f *fleetConn) get(name string) *hostSession {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sessions[name]
}

// connectAll opens a session to every host, at most parallel at a time (no
// connection storm). It returns every host's failure, joined, and keeps the
// sessions that did open so the caller can close them.
func connectAll(ctx context.Context, d Dialer, hosts []inventory.Host, parallel int, o sessionOptions, log *slog.Logger) (*fleetConn, error) {
	if parallel <= 0 {
		parallel = 20
	}
	if o.sums == nil {
		o.sums = &fileSums{} // shared by every host's session
	}
	go o.sums.prefetch(o.agentBinary)
	fc := &fleetConn{sessions: make(map[string]*hostSession, len(hosts))}
	var mu sync.Mutex
	var errs []error
	g := new(errgroup.Group)
	g.SetLimit(parallel)
	for _, h := range hosts {
		g.Go(func() error {
			s, err := openSession(ctx, d, h, o, log)
			if err != nil {
				mu.Lock()
				errs = append(errs, &plan.HostError{Host: h.Name, Op: "connect", Err: err})
				mu.Unlock()
				return nil
			}
			fc.mu.Lock()
			fc.sessions[h.Name] = s
			fc.mu.Unlock()
			return nil
		})
	}
	_ = g.Wait()
	if len(errs) > 0 || !o.lock {
		return fc, errors.Join(errs...)
	}
	return fc, fc.lockInOrder(ctx)
}

// lockInOrder takes every host's lock one at a time, in host-name order.
// Two controllers started at once (a laptop and a CI job) then contend for
// the same first host: exactly one gets it and proceeds, the other is
// refused there holding nothing. Locking in parallel could leave each with
// part of the fleet and both refused.
func (f *fleetConn) lockInOrder(ctx context.Context) error {
	names := make([]string, 0, len(f.sessions))
	for n := range f.sessions {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		start := time.Now()
		_, err := f.sessions[n].agent.Lock(ctx)
		tracePhase(f.sessions[n].log, "lock", start)
		if err != nil {
			return &plan.HostError{Host: n, Op: "connect", Err: lockError(err)}
		}
	}
	return nil
}

// eachHost runs fn for every session, at most parallel at a time, and joins
// the per-host errors.
func (f *fleetConn) eachHost(ctx context.Context, names []string, parallel int, op string, fn func(context.Context, *hostSession) error) error {
	var mu sync.Mutex
	var errs []error
	g := new(errgroup.Group)
	g.SetLimit(max(parallel, 1))
	for _, name := range names {
		s := f.get(name)
		g.Go(func() error {
			if err := fn(ctx, s); err != nil {
				mu.Lock()
				errs = append(errs, &plan.HostError{Host: name, Op: op, Err: err})
				mu.Unlock()
			}
			return nil
		})
	}
	_ = g.Wait()
	return errors.Join(errs...)
}

// hostStatus is one host's answer to status.
type hostStatus struct {
	st  agent.StatusResult
	err error
}

// statusAll asks every named host's status, at most parallel at a time
// (one round trip each, so a fleet's take about one), in names' order.
func (f *fleetConn) statusAll(ctx context.Context, names []string, parallel int) []hostStatus {
	out := make([]hostStatus, len(names))
	g := new(errgroup.Group)
	g.SetLimit(max(parallel, 1))
	for i, name := range names {
		s := f.get(name)
		g.Go(func() error {
			start := time.Now()
			out[i].st, out[i].err = s.agent.Status(ctx)
			tracePhase(s.log, "status", start)
			return nil
		})
	}
	_ = g.Wait()
	return out
}

// Close ends every session; cleanup must run even after a Ctrl-C.
func (f *fleetConn) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range f.sessions {
		wg.Add(1)
		go func() { defer wg.Done(); _ = s.Close() }()
	}
	wg.Wait()
}

// connect opens a session to every selected host, locking them when lock
// is set. The connection is the caller's to close, whatever the error.
func (t *target) connect(ctx context.Context, rolloutID string, lock bool) (*fleetConn, error) {
	spec, err := appSpec(t.inv.App)
	if err != nil {
		return &fleetConn{}, fmt.Errorf("%s: %w", t.inv.File, err)
	}
	o := sessionOptions{
		app:         spec,
		agentBinary: t.agentBinary,
		identity:    t.identity(rolloutID),
		lock:        lock,
		known:       loadKnownAgents(t.agentCache, time.Now),
	}
	fc, err := connectAll(ctx, t.dialer, t.hosts, t.inv.Strategy.Parallel, o, t.log)
	if serr := o.known.save(); serr != nil { // the next run hashes again
		t.log.Warn("record the verified agent binaries", "file", t.agentCache, "err", serr)
	}
	return fc, err
}

// live is those of names that have a session: the hosts that connected.
func (f *fleetConn) live(names []string) []string {
	var out []string
	for _, n := range names {
		if f.get(n) != nil {
			out = append(out, n)
		}
	}
	return out
}
