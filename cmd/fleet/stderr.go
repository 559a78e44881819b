package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/fleetdeploy/fleet/internal/cliargs"
)

// stderrLine is how the command's own last words (its error, an
// interrupt) reach stderr: a plain line, or under --log-format json a JSON
// log record like every other line there, so that a log shipper parses
// all of stderr. It reads the format from the command line and
// FLEET_LOG_FORMAT itself: the error may be that the flags did not parse.
func stderrLine(w io.Writer, args []string) func(string) {
	if cliargs.RawFlag(args, "log-format", "FLEET_LOG_FORMAT", os.Getenv) != "json" {
		return func(s string) { fmt.Fprintln(w, s) }
	}
	log := slog.New(slog.NewJSONHandler(w, nil))
	return func(s string) { log.Error(s) }
}
