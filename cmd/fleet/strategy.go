package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

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
func strategyOf(c *cli.Context, s inventory.Strategy) (plan.Strategy, error) {
	mu, mf, ms := s.MaxUnavailable, s.MaxFailures, s.MaxSurge
	if v := c.String("max-unavailable"); v != "" {
		mu = v
	}
	if v := c.String("max-failures"); v != "" {
		mf = v
	}
	if v := c.String("max-surge"); v != "" {
		ms = v
	}
	var st plan.Strategy
	var err error
	if st.MaxUnavailable, err = parseLimit("max-unavailable", mu); err != nil {
		return st, err
	}
	if st.MaxFailures, err = parseLimit("max-failures", mf); err != nil {
		return st, err
	}
	if st.MaxSurge, err = parseLimit("max-surge", ms); err != nil {
		return st, err
	}
	st.AutoRollback = s.AutoRollback && !c.Bool("no-auto-rollback")
	return st, nil
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

// canaryOptions is how the controller ends a canary wave.
type canaryOptions struct {
	bake  time.Duration
	pause bool
}

// rolloutStrategy adds the canary and blue/green settings to strategyOf.
func rolloutStrategy(c *cli.Context, s inventory.Strategy) (plan.Strategy, canaryOptions, error) {
	st, err := strategyOf(c, s)
	if err != nil {
		return st, canaryOptions{}, err
	}
	canary := s.Canary
	if v := c.String("canary"); v != "" {
		canary = v
	}
	if c.Bool("resume") {
		canary = "0" // the canary already ran: the rest go now
	}
	if st.Canary, err = parseLimit("canary", canary); err != nil {
		return st, canaryOptions{}, err
	}
	co := canaryOptions{bake: s.CanaryBake, pause: s.PauseAfterCanary}
	if c.IsSet("canary-bake") {
		co.bake = c.Duration("canary-bake")
	}
	if c.IsSet("pause-after-canary") {
		co.pause = c.Bool("pause-after-canary")
	}
	switch c.String("strategy") {
	case "":
		st.BlueGreen = s.BlueGreen
	case "rolling":
		st.BlueGreen = false
	case "blue-green":
		st.BlueGreen = true
	default:
		return st, co, fmt.Errorf("--strategy %q: want rolling or blue-green", c.String("strategy"))
	}
	return st, co, nil
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
