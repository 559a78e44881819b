package main

import (
	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
)

func promoteCommand() *cli.Command {
	return &cli.Command{
		Name:   "promote",
		Usage:  "finish a rollout paused after its canary (the release is already on every host)",
		Flags:  concatFlags(commonFlags(), strategyFlags(), confirmFlags(), reportFlags(), noteFlags()),
		Action: runPromote,
	}
}

// runPromote has deploy read the paused rollout's version from the hosts
// and roll it out to the rest, with no new canary and no upload.
var runPromote = mutating("promote", func(c *cli.Context, t *target) (deploy.Record, error) {
	o := t.opts
	var err error
	if o.Strategy, err = strategyFlagsOf(c).Strategy(t.inv); err != nil {
		return deploy.Record{}, withExit(exitCannotStart, err)
	}
	r, err := deploy.Promote(c.Context, o)
	return r, runExit(c.Context, r, err)
})
