package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// stderrLine is how the command's own last words (its error, an
// interrupt) reach stderr: a plain line, or under --log-format json a JSON
// log record like every other line there, so that a log shipper parses
// all of stderr. It reads the format from the command line and
// FLEET_LOG_FORMAT itself: the error may be that the flags did not parse.
func stderrLine(w io.Writer, args []string) func(string) {
	if logFormat(args) != "json" {
		return func(s string) { fmt.Fprintln(w, s) }
	}
	log := slog.New(slog.NewJSONHandler(w, nil))
	return func(s string) { log.Error(s) }
}

// logFormat is --log-format's value in args (the last one wins, as for
// flags), else FLEET_LOG_FORMAT.
func logFormat(args []string) string {
	format := os.Getenv("FLEET_LOG_FORMAT")
	for i, a := range args {
		switch {
		case a == "--":
			return format
		case a == "--log-format" || a == "-log-format":
			if i+1 < len(args) {
				format = args[i+1]
			}
		case strings.HasPrefix(a, "--log-format="), strings.HasPrefix(a, "-log-format="):
			format = a[strings.Index(a, "=")+1:]
		}
	}
	return format
}
