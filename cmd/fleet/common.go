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
	return []cli.Flag{
		&cli.StringFlag{Name: "inventory", Aliases: []string{"i"}, Value: "fleet.yaml", EnvVars: []string{"FLEET_INVENTORY"}, Usage: "inventory file"},
		&cli.StringFlag{Name: "limit", Aliases: []string{"l"}, EnvVars: []string{"FLEET_LIMIT"}, Usage: "hosts, globs or groups, comma-separated"},
		&cli.StringFlag{Name: "selector", Aliases: []string{"s"}, EnvVars: []string{"FLEET_SELECTOR"}, Usage: "label terms k=v, k!=v, k; comma-separated"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", EnvVars: []string{"FLEET_OUTPUT"}, Usage: "text or json"},
		&cli.StringFlag{Name: "agent-binary", EnvVars: []string{"FLEET_AGENT_BINARY"}, Usage: "fleet binary for the hosts, when this one does not run there"},
		&cli.StringFlag{Name: "log-level", Value: "warn", EnvVars: []string{"FLEET_LOG_LEVEL"}, Usage: "debug, info, warn or error (logs go to stderr)"},
	}
}

// target is what every host-facing command starts from.
type target struct {
	inv         *inventory.Inventory
	hosts       []inventory.Host
	out         *progress
	log         *slog.Logger
	agentBinary string
}

func loadTarget(c *cli.Context) (*target, error) {
	log, err := newLogger(c.App.ErrWriter, c.String("log-level"))
	if err != nil {
		return nil, err
	}
	out, err := newProgress(c.App.Writer, c.String("output"))
	if err != nil {
		return nil, err
	}
	inv, err := inventory.Load(c.String("inventory"))
	if err != nil {
		return nil, err
	}
	hosts, err := inv.Select(c.String("limit"), c.String("selector"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", inv.File, err)
	}
	if len(hosts) == 0 {
		return nil, fmt.Errorf("%s: no host selected", inv.File)
	}
	return &target{inv: inv, hosts: hosts, out: out, log: log, agentBinary: c.String("agent-binary")}, nil
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
func controllerIdentity(rolloutID string) agent.Holder {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	machine, _ := os.Hostname()
	return agent.Holder{
		User:      name,
		Machine:   machine,
		PID:       os.Getpid(),
		Command:   strings.Join(os.Args, " "),
		RolloutID: rolloutID,
		Since:     time.Now().UTC(),
	}
}

func newRolloutID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}
