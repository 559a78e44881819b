package main

import (
	"log/slog"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/render"
)

// Every flag also reads from a FLEET_… environment variable, as CI jobs expect.
func commonFlags() []cli.Flag {
	return concatFlags([]cli.Flag{
		&cli.StringFlag{Name: "inventory", Aliases: []string{"i"}, Value: "fleet.yaml", EnvVars: []string{"FLEET_INVENTORY"}, Usage: "fleet.yaml, or an Ansible inventory (INI or YAML; then --app)"},
		&cli.StringFlag{Name: "limit", Aliases: []string{"l"}, EnvVars: []string{"FLEET_LIMIT"}, Usage: "hosts, globs or groups, comma-separated"},
		&cli.StringFlag{Name: "selector", Aliases: []string{"s"}, EnvVars: []string{"FLEET_SELECTOR"}, Usage: "label terms k=v, k!=v, k; comma-separated"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: render.Text, EnvVars: []string{"FLEET_OUTPUT"}, Usage: "text (live on a terminal, else plain), plain, or json (docs/events.md)"},
		&cli.StringFlag{Name: "agent-binary", EnvVars: []string{"FLEET_AGENT_BINARY"}, Usage: "fleet binary for the hosts, when this one does not run there"},
		&cli.StringFlag{Name: "log-level", Value: "warn", EnvVars: []string{"FLEET_LOG_LEVEL"}, Usage: "debug, info, warn or error (logs go to stderr)"},
		&cli.StringFlag{Name: "log-format", Value: "text", EnvVars: []string{"FLEET_LOG_FORMAT"}, Usage: "text or json: the logs on stderr (docs/logs.md), the agents' with them"},
	}, sourceFlags())
}

// target is what every host-facing command starts from: the selected
// hosts, the output, and the deploy.Options every deploy call takes.
type target struct {
	inv   *inventory.Inventory
	src   *deploy.Source
	hosts []inventory.Host
	out   *output
	opts  deploy.Options
	ask   confirmOptions // mutating commands only
}

// newOutput sets up progress (stdout) and logs (stderr).
func newOutput(c *cli.Context) (*output, *slog.Logger, error) {
	out, err := newProgress(c.App.Writer, c.String("output"))
	if err != nil {
		return nil, nil, err
	}
	log, err := render.NewLogger(out.Beside(c.App.ErrWriter), c.String("log-level"), c.String("log-format"))
	if err != nil {
		return nil, nil, err
	}
	return out, log, nil
}

func loadTarget(c *cli.Context) (*target, error) {
	out, log, err := newOutput(c)
	if err != nil {
		return nil, err
	}
	return loadTargetWith(c, out, log)
}

// loadTargetWith resolves the inventory source and the selected hosts.
func loadTargetWith(c *cli.Context, out *output, log *slog.Logger) (*target, error) {
	src, err := loadSource(c)
	if err != nil {
		return nil, err
	}
	o, err := src.Options(c.String("limit"), c.String("selector"))
	if err != nil {
		return nil, err
	}
	o.Dialer = newDialer(src.Inventory.Strategy.Parallel)
	o.AgentBinary, o.CommandLine, o.RepoDir = c.String("agent-binary"), commandLine(c), repoDir()
	o.AgentCache = deploy.AgentCachePath()
	o.Logger, o.Events, o.Now, o.UploadProgressEvery = log, out.Emit, out.Now, out.UploadEvery()
	return &target{inv: src.Inventory, src: src, hosts: o.Hosts, out: out, opts: o}, nil
}

// commandLine is the command line run was given (see runIO), else os.Args.
func commandLine(c *cli.Context) string {
	if args, ok := c.App.Metadata[metaArgs].([]string); ok {
		return strings.Join(args, " ")
	}
	return strings.Join(os.Args, " ")
}

// metaArgs keys the command line in cli.App.Metadata.
const metaArgs = "args"
