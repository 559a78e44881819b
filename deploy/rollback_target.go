package deploy

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/history"
)

// journalEntriesForRollback is how much of each host's journal a rollback
// reads to find the last rollout: the most the agent returns.
const journalEntriesForRollback = 1000

// journalTarget is the one version a rollback without --to returns every
// selected host to, read from their journals (history.RollbackTarget has
// the rule); seen is what each host said it runs. It also describes where
// the target comes from, for the run's first event.
func (t *target) journalTarget(ctx context.Context, fc *fleetConn, seen map[string]agent.StatusResult) (string, string, error) {
	entries, err := t.readJournals(ctx, fc, t.hostNames(), journalEntriesForRollback)
	if err != nil {
		return "", "", fmt.Errorf("read the journals: %w", err)
	}
	current := make(map[string]string, len(seen))
	for h, st := range seen {
		current[h] = st.Current
	}
	last, cands, to, err := history.RollbackTarget(history.Merge(entries), current)
	switch {
	case errors.Is(err, history.ErrTargetsDisagree):
		return "", "", fmt.Errorf("%w after rollout %s:%s\nchoose one with --to VERSION", err, last.ID, history.DescribeCandidates(cands))
	case errors.Is(err, history.ErrNothingToRestore):
		return "", "", fmt.Errorf("%w (rollout %s); choose a release with --to VERSION", err, last.ID)
	case err != nil:
		return "", "", fmt.Errorf("%w; choose a release with --to VERSION", err)
	}
	return to, fmt.Sprintf("what ran before %s %s (%s@%s, %s)", last.Command, last.ID, last.User, last.Machine,
		last.Started.Local().Format("2006-01-02 15:04")), nil
}
