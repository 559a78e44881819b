package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/render"
)

// Set by the Makefile through -ldflags -X. A build without them (go build,
// go install …@latest) keeps "dev" and reports the Go build info instead.
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

func versionString() string {
	return render.Version(render.Stamp{Version: version, Commit: commit, Date: date})
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print version, commit and build date",
		Action: func(c *cli.Context) error {
			_, err := fmt.Fprintln(c.App.Writer, versionString())
			return err
		},
	}
}

// versionFlag is fleet --version. urfave/cli's own (HideVersion) would
// print only "fleet version dev".
func versionFlag() cli.Flag {
	return &cli.BoolFlag{Name: "version", Usage: "print the version, as fleet version does"}
}

// rootBefore answers --version before any command runs.
func rootBefore(c *cli.Context) error {
	if !c.Bool("version") {
		return nil
	}
	if _, err := fmt.Fprintln(c.App.Writer, versionString()); err != nil {
		return err
	}
	return exitStatus(exitOK)
}
