package main

import (
	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
)

func strategyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "max-unavailable", EnvVars: []string{"FLEET_MAX_UNAVAILABLE"}, Usage: "hosts out of service at once: N or P% (default: inventory)"},
		&cli.StringFlag{Name: "max-surge", EnvVars: []string{"FLEET_MAX_SURGE"}, Usage: "extra instances at once on hosts with slots: N or P% (default: inventory)"},
		&cli.StringFlag{Name: "max-failures", EnvVars: []string{"FLEET_MAX_FAILURES"}, Usage: "failed hosts tolerated before halting: N or P% (default: inventory)"},
		&cli.BoolFlag{Name: "no-auto-rollback", EnvVars: []string{"FLEET_NO_AUTO_ROLLBACK"}, Usage: "on failure, leave changed hosts as they are"},
	}
}

// distributeFlag is rollout's and plan's: how the release reaches the hosts.
var distributeFlag = &cli.StringFlag{Name: "distribute", EnvVars: []string{"FLEET_DISTRIBUTE"}, Usage: "controller (it uploads to every host) or peers (it uploads to strategy.seeds hosts, the others fetch from hosts that have it) (default: inventory, else controller)"}

// canaryFlags are rollout-only: a first wave, then a bake or a pause.
func canaryFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "canary", EnvVars: []string{"FLEET_CANARY"}, Usage: "first wave of N or P% hosts (default: inventory)"},
		&cli.DurationFlag{Name: "canary-bake", EnvVars: []string{"FLEET_CANARY_BAKE"}, Usage: "after the canary, watch its health this long, then continue"},
		&cli.BoolFlag{Name: "pause-after-canary", EnvVars: []string{"FLEET_PAUSE_AFTER_CANARY"}, Usage: "after the canary, stop until \"fleet promote\" (or \"rollout --resume\") or \"fleet rollback\""},
		&cli.StringFlag{Name: "strategy", Value: "", EnvVars: []string{"FLEET_STRATEGY"}, Usage: "rolling or blue-green (default: inventory)"},
		&cli.BoolFlag{Name: "resume", EnvVars: []string{"FLEET_RESUME"}, Usage: "continue a rollout paused after its canary (no new canary)"},
	}
}

// strategyFlagsOf reads the strategy flags the command has; deploy merges
// them over the inventory's strategy.
func strategyFlagsOf(c *cli.Context) deploy.StrategyFlags {
	f := deploy.StrategyFlags{MaxUnavailable: c.String("max-unavailable"), MaxSurge: c.String("max-surge"),
		MaxFailures: c.String("max-failures"), NoAutoRollback: c.Bool("no-auto-rollback"),
		Canary: c.String("canary"), Resume: c.Bool("resume"), Kind: c.String("strategy"), Stage: c.String("stage"),
		Distribute: c.String("distribute")}
	if c.IsSet("canary-bake") {
		d := c.Duration("canary-bake")
		f.CanaryBake = &d
	}
	if c.IsSet("pause-after-canary") {
		p := c.Bool("pause-after-canary")
		f.PauseAfterCanary = &p
	}
	if c.IsSet("refuse-dirty") {
		r := c.Bool("refuse-dirty")
		f.RefuseDirty = &r
	}
	return f
}
