package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/inventory"
)

// Every flag also reads from a FLEET_… environment variable, as CI jobs expect.
func commonFlags() []cli.Flag {
	return concatFlags([]cli.Flag{
		&cli.StringFlag{Name: "inventory", Aliases: []string{"i"}, Value: "fleet.yaml", EnvVars: []string{"FLEET_INVENTORY"}, Usage: "fleet.yaml, or an Ansible inventory (INI or YAML; then --app)"},
		&cli.StringFlag{Name: "limit", Aliases: []string{"l"}, EnvVars: []string{"FLEET_LIMIT"}, Usage: "hosts, globs or groups, comma-separated"},
		&cli.StringFlag{Name: "selector", Aliases: []string{"s"}, EnvVars: []string{"FLEET_SELECTOR"}, Usage: "label terms k=v, k!=v, k; comma-separated"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: formatText, EnvVars: []string{"FLEET_OUTPUT"}, Usage: "text (live on a terminal, else plain), plain, or json (docs/events.md)"},
		&cli.StringFlag{Name: "agent-binary", EnvVars: []string{"FLEET_AGENT_BINARY"}, Usage: "fleet binary for the hosts, when this one does not run there"},
		&cli.StringFlag{Name: "log-level", Value: "warn", EnvVars: []string{"FLEET_LOG_LEVEL"}, Usage: "debug, info, warn or error (logs go to stderr)"},
	}, sourceFlags())
}

// target is what every host-facing command starts from.
type target struct {
	inv         *inventory.Inventory
	src         *hostSource
	hosts       []inventory.Host
	out         *progress
	log         *slog.Logger
	agentBinary string
	cmdline     string         // the command line, for the lock holder and the journal
	rec         *runRecord     // mutating commands only
	ask         confirmOptions // mutating commands only
	overPaused  bool           // rollout --abandon-paused: go over a paused rollout
}

// newOutput sets up progress (stdout) and logs (stderr).
func newOutput(c *cli.Context) (*progress, *slog.Logger, error) {
	out, err := newProgress(c.App.Writer, c.String("output"))
	if err != nil {
		return nil, nil, err
	}
	log, err := newLogger(out.beside(c.App.ErrWriter), c.String("log-level"))
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
func loadTargetWith(c *cli.Context, out *progress, log *slog.Logger) (*target, error) {
	src, err := loadSource(c)
	if err != nil {
		return nil, err
	}
	inv := src.inv
	hosts, err := inv.Select(src.limit(c.String("limit")), c.String("selector"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.where, err)
	}
	if len(hosts) == 0 {
		return nil, fmt.Errorf("%s: no host selected", src.where)
	}
	return &target{inv: inv, src: src, hosts: hosts, out: out, log: log, agentBinary: c.String("agent-binary"),
		cmdline: commandLine(c)}, nil
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: %w", level, err)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func (t *target) hostNames() []string {
	names := make([]string, len(t.hosts))
	for i, h := range t.hosts {
		names[i] = h.Name
	}
	return names
}

// controllerIdentity says who is deploying: shown to a second controller that
// finds the lock held, and written to every host's journal.
// cmdline is the command line as run got it (os.Args in production).
func controllerIdentity(rolloutID, cmdline string) agent.Holder {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	machine, _ := os.Hostname()
	return agent.Holder{
		User:      name,
		Machine:   machine,
		PID:       os.Getpid(),
		Command:   cmdline,
		RolloutID: rolloutID,
		Since:     time.Now().UTC(),
	}
}

func newRolloutID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
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
