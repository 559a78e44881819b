package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
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
	if version != "dev" {
		return stamp{version, commit, date}.String()
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return stamp{version, commit, date}.String()
	}
	return stampOf(bi).String()
}

// stampOf reads the version from the Go build info: the main module's
// version (a tag, or a pseudo-version from go install …@latest or a build in
// the git checkout) and, for a build in the checkout, the commit and its
// time; "(dirty)" marks uncommitted changes.
func stampOf(bi *debug.BuildInfo) stamp {
	s := stamp{version: "dev", commit: "none", date: "unknown"}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		s.version = v
	}
	dirty := false
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			s.commit = kv.Value[:min(len(kv.Value), 7)]
		case "vcs.time":
			s.date = kv.Value
		case "vcs.modified":
			dirty = kv.Value == "true"
		}
	}
	if dirty && s.commit != "none" {
		s.commit += " (dirty)"
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
