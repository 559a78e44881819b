package main

import (
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/render"
)

// exitPlanChanges is `fleet plan --detailed-exitcode`'s answer when a
// rollout would change hosts (as terraform plan does); 0 means it would
// change nothing.
const exitPlanChanges = 2

func planCommand() *cli.Command {
	return &cli.Command{
		Name:  "plan",
		Usage: "show the waves a rollout would run and what it would upload, touching nothing",
		Flags: concatFlags(commonFlags(), strategyFlags(), urlFlags(), []cli.Flag{
			&cli.StringFlag{Name: "artifact", Aliases: []string{"a"}, Required: true, EnvVars: []string{"FLEET_ARTIFACT"}, Usage: "the release: a binary, a bundle, or an https:// URL the hosts fetch it from"},
			&cli.StringFlag{Name: "version", EnvVars: []string{"FLEET_VERSION"}, Usage: "release version (default: derived from the artifact's checksum; required with a URL)"},
			&cli.StringFlag{Name: "canary", EnvVars: []string{"FLEET_CANARY"}, Usage: "first wave of N or P% hosts (default: inventory)"},
			&cli.StringFlag{Name: "strategy", EnvVars: []string{"FLEET_STRATEGY"}, Usage: "rolling or blue-green (default: inventory)"},
			distributeFlag,
			&cli.BoolFlag{Name: "detailed-exitcode", EnvVars: []string{"FLEET_DETAILED_EXITCODE"}, Usage: "exit 2 when the rollout would change hosts, 0 when it would not"},
		}),
		Action: runPlan,
	}
}

func runPlan(c *cli.Context) error {
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	o := t.opts
	if o.Strategy, _, err = strategyFlagsOf(c).RolloutStrategy(t.inv); err != nil {
		return withExit(exitCannotStart, err)
	}
	if err := strategyFlagsOf(c).ApplyDistribute(t.inv); err != nil {
		return withExit(exitCannotStart, err)
	}
	// The same checks as rollout's: a plan must not show what a rollout
	// would refuse.
	if o.Artifact, err = artifactOf(c, t); err != nil {
		return withExit(exitCannotStart, err)
	}
	rep, err := deploy.Plan(c.Context, o)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	if t.out.json {
		t.emitAll(rep.Events())
	} else {
		t.out.write(func(w io.Writer) { render.Plan(w, rep) })
	}
	if err := rep.Conflicts(); err != nil {
		return withExit(exitCannotStart, fmt.Errorf("a rollout would be refused: %w", err))
	}
	if c.Bool("detailed-exitcode") && rep.Plan.Changes() > 0 {
		return exitStatus(exitPlanChanges)
	}
	return nil
}

// emitAll writes events in order.
func (t *target) emitAll(evs []event) {
	for _, ev := range evs {
		t.out.Emit(ev)
	}
}

// repoDir is where a changelog is read from: the current directory,
// "" (no changelog) when it cannot be had.
func repoDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	return dir
}
