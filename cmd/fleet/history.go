package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/history"
)

func historyCommand() *cli.Command {
	return &cli.Command{
		Name:  "history",
		Usage: "the rollouts of the selected hosts, merged from their journals into one timeline",
		Flags: concatFlags(commonFlags(), []cli.Flag{
			&cli.IntFlag{Name: "last", Value: 20, EnvVars: []string{"FLEET_HISTORY_LAST"}, Usage: "show the last N rollouts (0: all that the journals hold)"},
			&cli.IntFlag{Name: "journal-entries", Value: 1000, EnvVars: []string{"FLEET_HISTORY_JOURNAL_ENTRIES"}, Usage: "read at most this many of each host's latest journal entries (1 to 1000)"},
		}),
		Action: runHistory,
	}
}

func runHistory(c *cli.Context) error {
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	n := c.Int("journal-entries")
	if n < 1 || n > 1000 {
		return withExit(exitCannotStart, fmt.Errorf("--journal-entries %d: want 1 to 1000", n))
	}
	entries, rerr := t.journals(c.Context, n)
	rollouts := history.Merge(entries)
	if last := c.Int("last"); last > 0 && len(rollouts) > last {
		rollouts = rollouts[len(rollouts)-last:]
	}
	if t.out.json {
		_ = json.NewEncoder(c.App.Writer).Encode(rollouts)
		return rerr
	}
	t.out.write(func(w io.Writer) { writeHistory(w, rollouts) })
	return rerr
}

// journals reads every selected host's journal, without any lock, and
// returns what the hosts that answered said; the others are named in the
// error.
func (t *target) journals(ctx context.Context, n int) ([]history.Entry, error) {
	fc, err := t.connect(ctx, "", false)
	defer fc.Close()
	var live []string
	for _, h := range t.hosts {
		if fc.get(h.Name) != nil {
			live = append(live, h.Name)
		}
	}
	all, jerr := t.readJournals(ctx, fc, live, n)
	if err != nil || jerr != nil {
		for _, he := range append(hostErrors(err), hostErrors(jerr)...) {
			t.log.Warn("history: host did not answer", "host", he.Host, "err", he.Err)
		}
		return all, withExit(exitCannotStart, fmt.Errorf("some hosts did not answer; their rollouts are missing: %w", errors.Join(err, jerr)))
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
		Reason: e.Reason, Result: e.Result, Error: e.Error}
}

func writeHistory(w io.Writer, rs []history.Rollout) {
	if len(rs) == 0 {
		fmt.Fprintln(w, "No rollouts in the hosts' journals.")
		return
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STARTED\tROLLOUT\tCOMMAND\tWHO\tVERSIONS\tHOSTS\tRESULT\tDURATION")
	for _, r := range rs {
		changed := 0
		for _, h := range r.Hosts {
			if h.Result != history.HostUnchanged {
				changed++
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s@%s\t%s\t%d/%d\t%s\t%s\n", r.Started.Local().Format("2006-01-02 15:04:05"),
			r.ID, orWord(r.Command, "?"), r.User, r.Machine, versionMove(r),
			changed, len(r.Hosts), r.Result, (time.Duration(r.DurationMS) * time.Millisecond).Round(time.Second))
	}
	_ = tw.Flush()
}

// versionMove is "v1 → v2"; a run that moved no host (every host already
// there, or refused before any switch) has no versions in the journals
// (they hold its lock only), so it says that instead of "(none) → (none)".
func versionMove(r history.Rollout) string {
	if len(r.From) == 0 && len(r.To) == 0 {
		return "(no host moved)"
	}
	return versionList(r.From) + " → " + versionList(r.To)
}

func versionList(vs []string) string {
	if len(vs) == 0 {
		return "(none)"
	}
	return strings.Join(vs, ",")
}
