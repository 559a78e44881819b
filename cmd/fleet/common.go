package main

import (
	"fmt"
	"io"
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
	log, err := newLogger(out.Beside(c.App.ErrWriter), c.String("log-level"), c.String("log-format"))
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
	inv := src.Inventory
	hosts, err := inv.Select(src.Limit(c.String("limit")), c.String("selector"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.Where, err)
	}
	if len(hosts) == 0 {
		return nil, fmt.Errorf("%s: no host selected", src.Where)
	}
	querier, err := deploy.QuerierFor(inv)
	if err != nil {
		return nil, fmt.Errorf("%s: app.analysis.prometheus: %w", src.Where, err)
	}
	opts := deploy.Options{Inventory: inv, Hosts: hosts, Dialer: newDialer(inv.Strategy.Parallel),
		AgentBinary: c.String("agent-binary"), CommandLine: commandLine(c), Logger: log,
		Events: out.Emit, Now: out.Now, UploadProgressEvery: out.UploadEvery(), Querier: querier, RepoDir: repoDir()}
	return &target{inv: inv, src: src, hosts: hosts, out: out, opts: opts}, nil
}

// newLogger is the controller's logger on w: --log-level, and
// --log-format text (logfmt-like, for people) or json (one object per
// line, for ELK or Loki; docs/logs.md names the fields).
func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: %w", level, err)
	}
	o := &slog.HandlerOptions{Level: l}
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, o)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, o)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
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
