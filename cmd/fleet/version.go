package main

import (
	"fmt"
	"runtime"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/provenance"
)

// Set by the Makefile through -ldflags -X. A build without them (go build,
// go install …@latest) keeps "dev" and reports the Go build info instead.
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// stamp is what fleet version reports.
type stamp struct {
	version, commit, date string
}

func (s stamp) String() string {
	return fmt.Sprintf("fleet %s (commit %s, built %s, %s %s/%s)",
		s.version, s.commit, s.date, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func versionString() string {
	if p, ok := provenance.Self(); ok && version == "dev" {
		return stampOf(p).String()
	}
	return stamp{version, commit, date}.String()
}

// stampOf is the version from the Go build info (provenance.Self): the
// main module's version (a tag, or a pseudo-version from go install
// …@latest or a build in the git checkout) and, for a build in the
// checkout, the commit and its time; "(dirty)" marks uncommitted changes.
func stampOf(p provenance.Provenance) stamp {
	s := stamp{version: "dev", commit: "none", date: "unknown"}
	if p.Version != "" && p.Version != "(devel)" {
		s.version = p.Version
	}
	if r := p.Revision(); r != "" {
		s.commit = r[:min(len(r), 7)]
		if p.Dirty() {
			s.commit += " (dirty)"
		}
	}
	if !p.VCSTime.IsZero() {
		s.date = p.VCSTime.Format(time.RFC3339)
	}
	return s
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
