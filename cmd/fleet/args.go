package main

import (
	"errors"
	"math"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/internal/cliargs"
	"github.com/fleetdeploy/fleet/inventory"
)

// Every command refuses the words commandArgs does not give it, before it
// reads the inventory or contacts a host, reads the flags after a word it
// takes, and says what is wrong with a command line in one line: cliargs.

// commandArgs declares the commands that take words, by their path below
// fleet. Every other command takes none.
func commandArgs() map[string]cliargs.Spec {
	return map[string]cliargs.Spec{
		"rollback":   {Usage: "[VERSION]", Max: 1, Flag: "to"}, // fleet rollback v2 = fleet rollback --to v2
		"completion": {Usage: "bash|zsh", Max: 1},
		"init":       {Usage: "[HOST...]", Max: math.MaxInt, Flag: "host"}, // fleet init web1 web2 = --host web1 --host web2
	}
}

// guardCommands gives every command of app its cliargs.Spec.
func guardCommands(app *cli.App) {
	cliargs.Guard(app, cliargs.Config{Specs: commandArgs(), Suggest: inventory.Suggest, BoolFlag: "yes"})
}

// argsExit gives cliargs' errors fleet's exit codes: a command line fleet
// cannot read exits 3 (printed as it is: "fleet rollout: …"), the help
// shown in place of running 0.
func argsExit(err error) error {
	var ue *cliargs.UsageError
	switch {
	case errors.Is(err, cliargs.ErrHelpShown):
		return exitStatus(exitOK)
	case errors.As(err, &ue):
		return withExit(exitCannotStart, err)
	}
	return err
}
