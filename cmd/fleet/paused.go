package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/agent"
)

// pausedRollout is a rollout that stopped after its canary, as the hosts
// that recorded it say.
type pausedRollout struct {
	mark  agent.PendingMark
	hosts []string // hosts that recorded it
	done  []string // hosts that already run its version
}

// findPaused collects the paused-canary records among what the hosts
// said; it returns nil when there is none. Hosts whose records differ (two
// controllers at odds) are reported by the first record found, sorted.
func findPaused(seen map[string]agent.StatusResult) *pausedRollout {
	names := make([]string, 0, len(seen))
	for h := range seen {
		names = append(names, h)
	}
	slices.Sort(names)
	var p *pausedRollout
	for _, h := range names {
		st := seen[h]
		if st.Pending == nil {
			continue
		}
		if p == nil {
			p = &pausedRollout{mark: *st.Pending}
		}
		p.hosts = append(p.hosts, h)
	}
	if p == nil {
		return nil
	}
	for _, h := range names {
		if seen[h].Current == p.mark.Version {
			p.done = append(p.done, h)
		}
	}
	return p
}

// String is the one line `status` and a refused rollout print.
func (p *pausedRollout) String() string {
	return fmt.Sprintf("rollout %s of %s is paused after its canary since %s (by %s); %d of %d hosts run %s (%s)",
		p.mark.RolloutID, p.mark.Version, p.mark.Since.Local().Format(time.DateTime), orWord(p.mark.By, "?"),
		len(p.done), len(p.hosts), p.mark.Version, strings.Join(p.done, ", "))
}

// errPaused refuses a new rollout over a paused one: the paused one would
// otherwise be dropped without a word and `promote` would find nothing.
func errPaused(p *pausedRollout) error {
	return fmt.Errorf("%s: finish it with `fleet promote`, undo it with `fleet rollback`, or pass --abandon-paused to roll out over it", p)
}

// abandonPaused removes the paused record from every host that has it,
// journalled there as abandoned by this rollout.
func (t *target) abandonPaused(ctx context.Context, fc *fleetConn, p *pausedRollout) error {
	err := fc.eachHost(ctx, p.hosts, t.inv.Strategy.Parallel, "pending", func(ctx context.Context, s *hostSession) error {
		_, err := s.agent.Pending(ctx, agent.PendingArgs{Clear: true, Abandon: true})
		if err == nil {
			s.pending = false
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("abandon the paused rollout: %w", err)
	}
	t.out.emit(event{Kind: "paused_abandoned", To: p.mark.Version, Hosts: len(p.hosts), Message: "abandoned " + p.String()})
	return nil
}
