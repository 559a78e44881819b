package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/render"
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
	t.out.write(func(w io.Writer) { render.History(w, rollouts) })
	return rerr
}
