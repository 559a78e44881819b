package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
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
	o := t.opts
	o.JournalEntries = n
	rollouts, rerr := deploy.History(c.Context, o)
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
