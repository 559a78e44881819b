package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/render"
)

func rollbackCommand() *cli.Command {
	return &cli.Command{
		Name:  "rollback",
		Usage: "return the selected hosts to one version, what they ran before the last rollout (or --to VERSION), with the rollout's limits and gates",
		Flags: concatFlags(commonFlags(), strategyFlags(), confirmFlags(), reportFlags(), noteFlags(), []cli.Flag{
			&cli.StringFlag{Name: "to", EnvVars: []string{"FLEET_ROLLBACK_TO"}, Usage: "version to return to (must already be on every selected host; default: what they ran before the last rollout)"},
			&cli.BoolFlag{Name: "dry-run", EnvVars: []string{"FLEET_DRY_RUN"}, Usage: "show each host's target and the waves, change nothing"},
		}),
		Action: func(c *cli.Context) error {
			if c.Bool("dry-run") {
				return runRollbackDryRun(c)
			}
			return runRollback(c)
		},
	}
}

var runRollback = mutating("rollback", func(c *cli.Context, t *target) (deploy.Record, error) {
	o, err := rollbackOptions(c, t)
	if err != nil {
		return deploy.Record{}, err
	}
	r, err := deploy.Rollback(c.Context, o)
	return r, runExit(c.Context, r, err)
})

// rollbackOptions reads what a rollback and its dry run take from the
// flags: the strategy and --to (empty: the journals decide).
func rollbackOptions(c *cli.Context, t *target) (deploy.Options, error) {
	o := t.opts
	var err error
	if o.Strategy, err = strategyFlagsOf(c).RollbackStrategy(t.inv); err != nil {
		return o, withExit(exitCannotStart, err)
	}
	o.To = c.String("to")
	if o.To != "" {
		if err := agent.ValidateVersion(o.To); err != nil {
			return o, withExit(exitCannotStart, fmt.Errorf("--to: %w", err))
		}
	}
	return o, nil
}

// runRollbackDryRun shows what `fleet rollback` would do, the same way it
// decides it (every host asked, the one target, the waves), without the
// lock and without changing anything.
func runRollbackDryRun(c *cli.Context) error {
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	o, err := rollbackOptions(c, t)
	if err != nil {
		return err
	}
	rp, err := deploy.PlanRollback(c.Context, o)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	consul := t.inv.App.Consul
	if t.out.json {
		t.emitAll(rp.Events(consul))
		return nil
	}
	t.out.write(func(w io.Writer) { render.RollbackPlan(w, rp, consul) })
	return nil
}
