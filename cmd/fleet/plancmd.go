package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/plan"
)

func planCommand() *cli.Command {
	return &cli.Command{
		Name:  "plan",
		Usage: "show the waves a rollout would run, touching nothing",
		Flags: append(append(commonFlags(), strategyFlags()...),
			&cli.StringFlag{Name: "artifact", Aliases: []string{"a"}, Required: true, EnvVars: []string{"FLEET_ARTIFACT"}, Usage: "the release binary"},
			&cli.StringFlag{Name: "version", EnvVars: []string{"FLEET_VERSION"}, Usage: "release version (default: derived from the artifact's checksum)"},
		),
		Action: runPlan,
	}
}

func runPlan(c *cli.Context) error {
	ctx := c.Context
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	strategy, err := strategyOf(c, t.inv.Strategy)
	if err != nil {
		return withExit(exitCannotStart, fmt.Errorf("%s: strategy: %w", t.inv.File, err))
	}
	// The same check as rollout's: a plan must not show what a rollout
	// would refuse.
	if v := c.String("version"); v != "" {
		if err := agent.ValidateVersion(v); err != nil {
			return withExit(exitCannotStart, fmt.Errorf("--version: %w", err))
		}
	}
	art, err := openArtifact(c.String("artifact"), c.String("version"))
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	fc, err := t.connect(ctx, "", false)
	defer fc.Close()
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	p, err := t.planRollout(ctx, fc, strategy, art.version)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	printPlan(t.out, p)
	return nil
}

// printPlan renders the waves: what a reader of a batch-minded tool expects,
// although execution slides (a host starts as soon as one finishes).
func printPlan(out *progress, p plan.Plan) {
	for i, w := range p.Waves {
		out.emit(event{Kind: "plan_wave", Wave: i + 1, Message: strings.Join(w, " ")})
	}
	for _, h := range p.Hosts {
		out.emit(event{Kind: "plan_host", Host: h.Host, Wave: h.Wave, Mode: string(h.Mode), From: h.From, To: h.To, State: string(h.Action), Message: h.Reason})
	}
}
