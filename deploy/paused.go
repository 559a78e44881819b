package deploy

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/agent"
)

// Paused is a rollout that stopped after its canary, as the hosts that
// recorded it say.
type Paused struct {
	Mark  agent.PendingMark
	Hosts []string // hosts that recorded it
	Done  []string // hosts that already run its version
}

// findPaused collects the paused-canary records among what the hosts
// said; it returns nil when there is none. Hosts whose records differ (two
// controllers at odds) are reported by the first record found, sorted.
func findPaused(seen map[string]agent.StatusResult) *Paused {
	names := make([]string, 0, len(seen))
	for h := range seen {
		names = append(names, h)
	}
	slices.Sort(names)
	var p *Paused
	for _, h := range names {
		st := seen[h]
		if st.Pending == nil {
			continue
		}
		if p == nil {
			p = &Paused{Mark: *st.Pending}
		}
		p.Hosts = append(p.Hosts, h)
	}
	if p == nil {
		return nil
	}
	for _, h := range names {
		if seen[h].Current == p.Mark.Version {
			p.Done = append(p.Done, h)
		}
	}
	return p
}

// String is the one line `status` and a refused rollout print.
func (p *Paused) String() string {
	return fmt.Sprintf("rollout %s of %s is paused after its canary since %s (by %s); %d of %d hosts run %s (%s)",
		p.Mark.RolloutID, p.Mark.Version, p.Mark.Since.Local().Format(time.DateTime), orWord(p.Mark.By, "?"),
		len(p.Done), len(p.Hosts), p.Mark.Version, strings.Join(p.Done, ", "))
}

// errPaused refuses a new rollout over a paused one: the paused one would
// otherwise be dropped without a word and `promote` would find nothing.
func errPaused(p *Paused) error {
	return fmt.Errorf("%s: finish it with `fleet promote`, undo it with `fleet rollback`, or pass --abandon-paused to roll out over it", p)
}

// abandonPaused removes the paused record from every host that has it,
// journalled there as abandoned by this rollout.
func (t *target) abandonPaused(ctx context.Context, fc *fleetConn, p *Paused) error {
	err := fc.eachHost(ctx, p.Hosts, t.inv.Strategy.Parallel, "pending", func(ctx context.Context, s *hostSession) error {
		_, err := s.agent.Pending(ctx, agent.PendingArgs{Clear: true, Abandon: true})
		if err == nil {
			s.pending = false
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("abandon the paused rollout: %w", err)
	}
	t.out.emit(Event{Kind: KindPausedAbandoned, To: p.Mark.Version, Hosts: len(p.Hosts), Message: "abandoned " + p.String()})
	return nil
}
