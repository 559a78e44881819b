package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/render"
)

// defaultConfirmAbove is the share of the fleet a command may change
// without asking, when neither --confirm-above nor the inventory's
// strategy.confirm_above says.
const defaultConfirmAbove = "50%"

func confirmFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, EnvVars: []string{"FLEET_YES"}, Usage: "do not ask for confirmation on a terminal"},
		&cli.StringFlag{Name: "confirm-above", EnvVars: []string{"FLEET_CONFIRM_ABOVE"}, Usage: "on a terminal, ask before changing more than N or P% of the fleet (default: inventory's strategy.confirm_above, else " + defaultConfirmAbove + ")"},
	}
}

// confirmOptions is how a mutating command asks before a large change.
type confirmOptions struct {
	yes   bool
	above string    // --confirm-above; "" = inventory, then the default
	in    io.Reader // the terminal to read the answer from
	out   io.Writer // where the question goes: stdout, or stderr with --output json
}

func newConfirmOptions(c *cli.Context, jsonOut bool) (confirmOptions, error) {
	o := confirmOptions{yes: c.Bool("yes"), above: c.String("confirm-above"), in: c.App.Reader, out: c.App.Writer}
	if jsonOut {
		o.out = c.App.ErrWriter
	}
	if o.above != "" {
		if _, err := plan.ParseIntOrPercent(o.above); err != nil {
			return o, fmt.Errorf("--confirm-above: %w", err)
		}
	}
	return o, nil
}

// errNotConfirmed: the person at the terminal said no.
var errNotConfirmed = errors.New("not confirmed; nothing changed")

// confirm asks, when a person can answer (stdin and the question's output
// are terminals) and --yes is not set, before a run changes more of the
// fleet than --confirm-above allows. The fleet is every host of the
// inventory source, selected or not.
func (t *target) confirm(p plan.Plan, what string) error {
	o := t.ask
	if o.yes || !render.Interactive(o.in, o.out) {
		return nil
	}
	above := o.above
	if above == "" {
		above = t.inv.Strategy.ConfirmAbove
	}
	if above == "" {
		above = defaultConfirmAbove
	}
	limit, err := plan.ParseIntOrPercent(above)
	if err != nil {
		return fmt.Errorf("confirm above: %w", err)
	}
	fleet, n := len(t.inv.Hosts), p.Changes()
	if n == 0 || n <= limit.Resolve(fleet, false) {
		return nil
	}
	q := fmt.Sprintf("%s changes %d of the fleet's %d hosts (%d%%), more than %s. Continue? [y/N] ",
		what, n, fleet, n*100/max(fleet, 1), above)
	return t.prompt(q)
}

// errDowngrade: a rollout to an earlier version where nobody can be asked.
var errDowngrade = errors.New("refused off a terminal: give --allow-downgrade (FLEET_ALLOW_DOWNGRADE) to roll back by rollout, or use fleet rollback")

// downgrade is deploy.Options.Downgrade for a rollout without
// --allow-downgrade: on a terminal it asks (--yes does not answer it),
// elsewhere it refuses.
func (t *target) downgrade(what string) error {
	if !render.Interactive(t.ask.in, t.ask.out) {
		return errDowngrade
	}
	return t.prompt(what + ". Continue? [y/N] ")
}

// prompt asks q at the terminal: nil for yes, errNotConfirmed otherwise.
func (t *target) prompt(q string) error {
	o := t.ask
	var answer string
	var rerr error
	t.out.write(func(io.Writer) {
		fmt.Fprint(o.out, q)
		answer, rerr = bufio.NewReader(o.in).ReadString('\n')
	})
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return nil
	}
	if rerr != nil && !errors.Is(rerr, io.EOF) {
		return fmt.Errorf("confirm: %w", rerr)
	}
	return errNotConfirmed
}
