package deploy

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/history"
)

// History reads the last o.JournalEntries entries of every selected
// host's journal, without any lock, and merges them into one timeline of
// rollouts, oldest first. The hosts that did not answer are named in the
// error (and logged); the timeline is what the others said.
func History(ctx context.Context, o Options) ([]history.Rollout, error) {
	entries, err := newTarget(o).journals(ctx, o.JournalEntries)
	return history.Merge(entries), err
}

// journals reads every selected host's journal, without any lock, and
// returns what the hosts that answered said; the others are named in the
// error.
func (t *target) journals(ctx context.Context, n int) ([]history.Entry, error) {
	fc, err := t.connect(ctx, "", false)
	defer fc.Close()
	all, jerr := t.readJournals(ctx, fc, fc.live(t.hostNames()), n)
	if err != nil || jerr != nil {
		for _, he := range append(hostErrors(err), hostErrors(jerr)...) {
			t.log.Warn("history: host did not answer", "host", he.Host, "err", he.Err)
		}
		return all, fmt.Errorf("some hosts did not answer; their rollouts are missing: %w", errors.Join(err, jerr))
	}
	return all, nil
}

// readJournals reads the last n entries of each named host's journal over
// sessions already open; it returns what the hosts that answered said.
func (t *target) readJournals(ctx context.Context, fc *fleetConn, names []string, n int) ([]history.Entry, error) {
	var mu sync.Mutex
	var all []history.Entry
	err := fc.eachHost(ctx, names, t.inv.Strategy.Parallel, "journal", func(ctx context.Context, s *hostSession) error {
		j, err := s.agent.Journal(ctx, agent.JournalArgs{Last: n})
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for _, e := range j.Entries {
			all = append(all, historyEntry(s.host.Name, e))
		}
		return nil
	})
	return all, err
}

func historyEntry(host string, e agent.JournalEntry) history.Entry {
	return history.Entry{Host: host, Time: e.Time, User: e.User, Machine: e.Machine, Command: e.Command,
		RolloutID: e.RolloutID, Op: string(e.Op), From: e.From, To: e.To, Version: e.Version, Slot: e.Slot,
		Reason: e.Reason, Result: e.Result, Error: e.Error, ChangeNote: e.ChangeNote,
		Revision: e.Revision, Dirty: e.Dirty}
}
