package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/agent"
)

// agentCommand is the host side: the controller runs `fleet agent serve` in
// its SSH session and speaks JSON lines to it over stdin/stdout.
func agentCommand() *cli.Command {
	return &cli.Command{
		Name:   "agent",
		Usage:  "host side of fleet (run by the controller over SSH, not by hand)",
		Hidden: true,
		Subcommands: []*cli.Command{{
			Name:  "serve",
			Usage: "serve the controller's requests on stdin/stdout until stdin closes",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "log-level", Value: "info", EnvVars: []string{"FLEET_AGENT_LOG_LEVEL"}, Usage: "agent log level (stderr, JSON)"},
			},
			Action: runAgent,
		}},
	}
}

func runAgent(c *cli.Context) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.String("log-level"))); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	return agent.ServeHost(c.Context, os.Stdin, os.Stdout, log, version)
}
