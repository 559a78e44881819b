package cliargs_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/internal/depstest"
)

// TestDeps enforces DESIGN.md's arrows: cliargs extends urfave/cli and
// imports nothing of fleet (its suggestions come in as a func); only
// cmd/fleet imports it.
func TestDeps(t *testing.T) {
	depstest.Arrows(t, "internal/cliargs")
	depstest.StandardLibraryAnd(t, "cliargs", "github.com/urfave/cli/v2",
		// urfave/cli's own
		"github.com/cpuguy83/go-md2man/v2/md2man", "github.com/russross/blackfriday/v2", "github.com/xrash/smetrics")
}
