package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"runtime"
	"strconv"

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
	units, err := agent.NewSystemd(c.Context)
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	defer units.Close()
	hostname, _ := os.Hostname()
	deps := agent.Deps{
		Units:        units,
		Journal:      agent.Journalctl{},
		Logs:         agent.Journalctl{},
		Logger:       log,
		Hostname:     hostname,
		Arch:         runtime.GOARCH,
		User:         effectiveUser(),
		AgentVersion: version,
		SudoUID:      envID("SUDO_UID"),
		SudoGID:      envID("SUDO_GID"),
		// The controller went silent and the session could not end:
		// exiting is what frees the lock (the kernel drops the flock,
		// as on SIGKILL, which every step is built to survive).
		Abandon: func() {
			log.Error("session stuck after its controller went silent; exiting to free the lock")
			os.Exit(1)
		},
	}
	return agent.Serve(c.Context, os.Stdin, os.Stdout, deps)
}

func effectiveUser() string {
	if u, err := user.LookupId(strconv.Itoa(os.Geteuid())); err == nil {
		return u.Username
	}
	return strconv.Itoa(os.Geteuid())
}

// envID reads SUDO_UID/SUDO_GID; -1 when not run by sudo.
func envID(name string) int {
	v, err := strconv.Atoi(os.Getenv(name))
	if err != nil {
		return -1
	}
	return v
}
