package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/internal/cliargs"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

func strategyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "max-unavailable", EnvVars: []string{"FLEET_MAX_UNAVAILABLE"}, Usage: "hosts out of service at once: N or P% (default: inventory)"},
		&cli.StringFlag{Name: "max-surge", EnvVars: []string{"FLEET_MAX_SURGE"}, Usage: "extra instances at once on hosts with slots: N or P% (default: inventory)"},
		&cli.StringFlag{Name: "max-failures", EnvVars: []string{"FLEET_MAX_FAILURES"}, Usage: "failed hosts tolerated before halting: N or P% (default: inventory)"},
		&cli.BoolFlag{Name: "no-auto-rollback", EnvVars: []string{"FLEET_NO_AUTO_ROLLBACK"}, Usage: "on failure, leave changed hosts as they are"},
	}
}

// strategyOf merges the inventory's strategy with command-line overrides.
// A bad value is a *cliargs.FlagError when a flag gave it; strategyError says
// where the others came from.
func strategyOf(c *cli.Context, s inventory.Strategy) (plan.Strategy, error) {
	var st plan.Strategy
	var err error
	if st.MaxUnavailable, err = limitOf(c, "max-unavailable", "max_unavailable", s.MaxUnavailable); err != nil {
		return st, err
	}
	if st.MaxFailures, err = limitOf(c, "max-failures", "max_failures", s.MaxFailures); err != nil {
		return st, err
	}
	if st.MaxSurge, err = limitOf(c, "max-surge", "max_surge", s.MaxSurge); err != nil {
		return st, err
	}
	st.AutoRollback = s.AutoRollback && !c.Bool("no-auto-rollback")
	return st, nil
}

// limitOf is a count or percentage: the flag's, when it has a value, else
// the inventory's key.
func limitOf(c *cli.Context, flag, key, inv string) (plan.IntOrPercent, error) {
	v := c.String(flag)
	if v == "" {
		return parseLimit(key, inv)
	}
	p, err := plan.ParseIntOrPercent(v)
	if err != nil {
		return p, &cliargs.FlagError{Flag: flag, Err: err}
	}
	return p, nil
}

// strategyError says where a bad strategy setting came from: a flag's
// error names the flag; any other is the inventory file's.
func strategyError(file string, err error) error {
	var fe *cliargs.FlagError
	if errors.As(err, &fe) {
		return err
	}
	return fmt.Errorf("%s: strategy: %w", file, err)
}

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

// rolloutStrategy adds the canary and blue/green settings to strategyOf.
func rolloutStrategy(c *cli.Context, s inventory.Strategy) (plan.Strategy, deploy.Canary, error) {
	st, err := strategyOf(c, s)
	if err != nil {
		return st, deploy.Canary{}, err
	}
	if c.Bool("resume") {
		st.Canary = plan.IntOrPercent{} // the canary already ran: the rest go now
	} else if st.Canary, err = limitOf(c, "canary", "canary", s.Canary); err != nil {
		return st, deploy.Canary{}, err
	}
	co := deploy.Canary{Bake: s.CanaryBake, Pause: s.PauseAfterCanary}
	if c.IsSet("canary-bake") {
		co.Bake = c.Duration("canary-bake")
	}
	if c.IsSet("pause-after-canary") {
		co.Pause = c.Bool("pause-after-canary")
	}
	if st.Kind, err = strategyKind(c, s); err != nil {
		return st, co, err
	}
	return st, co, nil
}

// strategyKind is --strategy (rolling or blue-green, plan's names for
// its kinds), or else the inventory's: blue_green: true is blue/green,
// anything else rolling.
func strategyKind(c *cli.Context, s inventory.Strategy) (plan.StrategyKind, error) {
	switch k := plan.StrategyKind(c.String("strategy")); k {
	case "":
		if s.BlueGreen {
			return plan.StrategyBlueGreen, nil
		}
		return plan.StrategyRolling, nil
	case plan.StrategyRolling, plan.StrategyBlueGreen:
		return k, nil
	}
	return "", &cliargs.FlagError{Flag: "strategy", Value: c.String("strategy"), Want: "want rolling or blue-green"}
}

func parseLimit(name, v string) (plan.IntOrPercent, error) {
	if v == "" {
		v = "0"
	}
	p, err := plan.ParseIntOrPercent(v)
	if err != nil {
		return p, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}
