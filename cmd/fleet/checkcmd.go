package main

import (
	"encoding/json"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/render"
)

func checkCommand() *cli.Command {
	return &cli.Command{
		Name: "check",
		Usage: "before a rollout, per host (read-only, no lock): SSH login and host key, sudo, units, app root, " +
			"free space, Consul, clock, architecture; one line per problem with its fix, exit 3 on any. " +
			"Its one write: the verified agent into the SSH user's ~/.fleet/bin, as every command does",
		Flags: append(commonFlags(),
			&cli.StringFlag{Name: "artifact", EnvVars: []string{"FLEET_ARTIFACT"}, Usage: "the release whose size free space is checked for (default: the largest on each host)"}),
		Action: runCheck,
	}
}

func runCheck(c *cli.Context) error {
	t, err := loadTarget(c)
	if err == nil && c.String("artifact") != "" {
		t.opts.Artifact, err = deploy.OpenArtifact(c.String("artifact"), "")
	}
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	rep, err := deploy.Check(c.Context, t.opts)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	if t.out.json {
		_ = json.NewEncoder(c.App.Writer).Encode(rep)
	} else {
		render.Check(c.App.Writer, rep)
	}
	if n := len(rep.Problems()); n > 0 {
		return withExit(exitCannotStart, fmt.Errorf("check: %d problems", n))
	}
	return nil
}
