package deploy

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// LogsOptions is what fleet logs asks of every selected host (Logs);
// NewLogsOptions makes them from the command line's flags.
type LogsOptions struct {
	Since  time.Time // zero: no lower bound
	Lines  int       // the last Lines of each host; 0: every line since Since
	Follow bool      // then every new line, until ctx ends
	// Line gets each host's entries as they arrive and each host's
	// failure, one call at a time.
	Line func(LogLine)
}

// LogLine is one entry of one host's app units' journal or, with Err
// set, why that host gives no (more) lines.
type LogLine struct {
	Host  string
	Entry agent.LogEntry
	Err   *plan.HostError
}

// Logs streams the app units' journal of every selected host, each
// host's session opened with the inventory's SSH and sudo settings as
// fleet status opens it, and taking no lock: it runs beside a rollout.
// Lines of different hosts come in the order they arrive. Without Follow
// it returns once every host's backlog has ended; with it, when ctx ends
// (Ctrl-C), which closes every session, and that is a nil error. A host
// that fails is one LogLine with Err; the others go on, and the call then
// returns errNotAnswered.
func Logs(ctx context.Context, o Options, lo LogsOptions) error {
	t := newTarget(o)
	spec, err := appSpec(t.inv.App)
	if err != nil {
		return fmt.Errorf("%s: %w", t.inv.File, err)
	}
	so := sessionOptions{app: spec, agentBinary: t.agentBinary, identity: t.identity(""), sums: &fileSums{}}
	var mu sync.Mutex
	out := func(l LogLine) {
		mu.Lock()
		defer mu.Unlock()
		lo.Line(l)
	}
	// Opening a session uploads the agent where it is missing: at most
	// strategy.parallel at once, as connectAll does; streams are not
	// limited, every host's runs until it ends.
	parallel := t.inv.Strategy.Parallel
	if parallel <= 0 {
		parallel = 20 // connectAll's default
	}
	opening := make(chan struct{}, parallel)
	var failed atomic.Bool
	var wg sync.WaitGroup
	for _, h := range t.hosts {
		wg.Go(func() {
			if err := t.hostLogs(ctx, h, so, lo, opening, out); err != nil && ctx.Err() == nil {
				failed.Store(true)
				out(LogLine{Host: h.Name, Err: err})
			}
		})
	}
	wg.Wait()
	switch {
	case failed.Load():
		return errNotAnswered
	case ctx.Err() != nil && !lo.Follow:
		return ctx.Err()
	}
	return nil
}

// hostLogs streams one host's lines to out until they end (or ctx does).
func (t *target) hostLogs(ctx context.Context, h inventory.Host, so sessionOptions, lo LogsOptions,
	opening chan struct{}, out func(LogLine)) *plan.HostError {
	select {
	case opening <- struct{}{}:
	case <-ctx.Done():
		return nil
	}
	s, err := openSession(ctx, t.dialer, h, so, t.log)
	<-opening
	if err != nil {
		return &plan.HostError{Host: h.Name, Op: "connect", Err: err}
	}
	// Closing the session ends the agent, and with it journalctl -f.
	defer s.Close()
	args := agent.LogsArgs{Since: lo.Since, Lines: lo.Lines, Follow: lo.Follow}
	_, err = s.agent.Logs(ctx, args, func(e agent.LogEntry) { out(LogLine{Host: h.Name, Entry: e}) })
	if err != nil && ctx.Err() == nil {
		return &plan.HostError{Host: h.Name, Op: "logs", Err: err}
	}
	return nil
}
