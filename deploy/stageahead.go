package deploy

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/plan"
)

// stager uploads the release while the rollout runs (strategy stage:
// ahead). Every changing host has already answered stage_begin — lock
// held, version not in conflict, room for the upload — so what a host
// could refuse is refused before anything changes. Uploads then go in plan
// order, `parallel` at a time, and a host's step waits for its own upload:
// a rollout takes as long as its hosts take to restart and prove healthy,
// not that plus the time to copy the release everywhere first.
type stager struct {
	art     Artifact
	out     *emitter
	pending map[string]*pendingUpload // hosts that need the upload; read-only once built
	order   []string                  // their names, in plan order
	sent    atomic.Int64
	cancel  context.CancelFunc
	ended   chan struct{} // closed once every upload has ended and staged was announced
}

// aheadUploads bounds the uploads in flight while the waves run (and
// strategy.parallel bounds it too). One upload already keeps many SFTP
// writes in flight and fills what the controller can send; more at once
// only split that, so the first hosts of a wave wait for everybody's
// upload instead of starting as theirs ends. Measured on 200 simulated
// hosts (BENCHMARKS.md): 20 at once 1.21x the restart+health floor, 4 at
// once 1.16x; at 1,000 hosts, where uploads are the bottleneck, no
// difference (2.79x, 2.85x).
const aheadUploads = 4

// pendingUpload is one host's upload: done is closed when it ended, and
// err then says how.
type pendingUpload struct {
	s     *hostSession
	begin agent.StageBeginResult
	done  chan struct{}
	err   error
}

// preflight asks every host in names (plan order) to begin staging. An
// error from any host stops the rollout before anything changed.
func (t *target) preflight(ctx context.Context, fc *fleetConn, names []string, a Artifact) (*stager, error) {
	g := &stager{art: a, out: t.out, pending: make(map[string]*pendingUpload, len(names))}
	var mu sync.Mutex
	err := fc.eachHost(ctx, names, t.inv.Strategy.Parallel, "stage", func(ctx context.Context, s *hostSession) error {
		begin, err := beginStage(ctx, s, a, t.out)
		if err != nil || begin.Present {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		g.pending[s.host.Name] = &pendingUpload{s: s, begin: begin, done: make(chan struct{})}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if g.pending[n] != nil {
			g.order = append(g.order, n)
		}
	}
	return g, nil
}

// start begins the uploads in the background.
func (g *stager) start(ctx context.Context, parallel int) {
	ctx, g.cancel = context.WithCancel(ctx)
	queue := make(chan *pendingUpload, len(g.order))
	for _, n := range g.order {
		queue <- g.pending[n]
	}
	close(queue)
	g.ended = make(chan struct{})
	var workers sync.WaitGroup
	for range min(max(parallel, 1), len(g.order), aheadUploads) {
		workers.Go(func() {
			for p := range queue {
				g.run(ctx, p)
			}
		})
	}
	go func() {
		workers.Wait()
		g.announce()
		close(g.ended)
	}()
}

func (g *stager) run(ctx context.Context, p *pendingUpload) {
	defer close(p.done)
	if err := ctx.Err(); err != nil {
		p.err = fmt.Errorf("upload %s not started: %w", g.art.Version, context.Cause(ctx))
		return
	}
	n, err := upload(ctx, p.s, g.art, p.begin, g.out)
	g.sent.Add(n)
	p.err = err
}

// wait blocks until host's upload has ended; a host that needed none
// returns at once. A failed upload left the host as it was, which the
// error says (plan.ErrUntouched) so that no undo is run on it.
func (g *stager) wait(ctx context.Context, host string) error {
	p := g.pending[host]
	if p == nil {
		return nil
	}
	select {
	case <-p.done:
	case <-ctx.Done():
		return fmt.Errorf("waiting for the upload: %w (%w)", ctx.Err(), plan.ErrUntouched)
	}
	if p.err != nil {
		return fmt.Errorf("%w (%w)", p.err, plan.ErrUntouched)
	}
	return nil
}

// finish ends the uploads once the run is over: complete lets the ones
// left run to the end (a paused rollout is promoted later without an
// artifact, so every host must hold the release); otherwise they are
// cancelled, since no step will wait for them.
func (g *stager) finish(complete bool) {
	if !complete {
		g.cancel()
	}
	<-g.ended
	g.cancel()
}

// announce reports the uploads (the staged event) once all have ended.
func (g *stager) announce() {
	var failed int
	for _, p := range g.pending {
		if p.err != nil {
			failed++
		}
	}
	ok := len(g.order) - failed
	msg := fmt.Sprintf("%d hosts, %d bytes uploaded while the rollout ran", ok, g.sent.Load())
	if failed > 0 {
		msg += fmt.Sprintf("; %d uploads failed or were cancelled", failed)
	}
	g.out.emit(Event{Kind: KindStaged, To: g.art.Version, Hosts: ok, Bytes: g.sent.Load(), Message: msg})
}
