package main

import (
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/render"
)

func logsCommand() *cli.Command {
	return &cli.Command{
		Name:  "logs",
		Usage: "the app units' journal on each host, merged, each line after its host; takes no lock",
		Flags: concatFlags(commonFlags(), []cli.Flag{
			&cli.StringFlag{Name: "since", EnvVars: []string{"FLEET_LOGS_SINCE"}, Usage: "from this long ago (10m, 1h30m; 0s: only new lines) or this time (2026-12-06T10:00:00Z, 2026-12-06 10:00)"},
			&cli.IntFlag{Name: "lines", Aliases: []string{"n"}, EnvVars: []string{"FLEET_LOGS_LINES"}, Usage: "the last N lines of each host (default 100, 10 with -f, all with --since)"},
			&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, EnvVars: []string{"FLEET_LOGS_FOLLOW"}, Usage: "then print new lines as they come, until Ctrl-C"},
		}),
		Action: runLogs,
	}
}

func runLogs(c *cli.Context) error {
	flags := deploy.LogsFlags{Since: c.String("since"), Lines: c.Int("lines"), LinesSet: c.IsSet("lines"), Follow: c.Bool("follow")}
	lo, err := flags.Options(time.Now())
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	lo.Line = render.LogLines(c.App.Writer, c.App.ErrWriter, t.out.json, t.hosts)
	return deploy.Logs(c.Context, t.opts, lo)
}
