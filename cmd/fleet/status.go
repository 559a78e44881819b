package main

import (
	"encoding/json"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/render"
)

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:   "status",
		Usage:  "per host: current and previous version, unit state, health, lock holder; hosts off the majority version are marked",
		Flags:  commonFlags(),
		Action: runStatus,
	}
}

func releasesCommand() *cli.Command {
	return &cli.Command{
		Name:   "releases",
		Usage:  "the releases on each host",
		Flags:  commonFlags(),
		Action: runReleases,
	}
}

func runStatus(c *cli.Context) error {
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	rep, err := deploy.Status(c.Context, t.opts)
	if t.out.json {
		_ = json.NewEncoder(c.App.Writer).Encode(rep.Hosts)
		return err
	}
	render.Status(c.App.Writer, rep)
	return err
}

func runReleases(c *cli.Context) error {
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	rows, err := deploy.Releases(c.Context, t.opts)
	if t.out.json {
		_ = json.NewEncoder(c.App.Writer).Encode(rows)
		return err
	}
	render.Releases(c.App.Writer, rows)
	return err
}
