package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

func strategyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "max-unavailable", EnvVars: []string{"FLEET_MAX_UNAVAILABLE"}, Usage: "hosts out of service at once: N or P% (default: inventory)"},
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
	return st, st.Validate()
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
