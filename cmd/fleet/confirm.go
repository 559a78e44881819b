package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/render"
)

func confirmFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, EnvVars: []string{"FLEET_YES"}, Usage: "do not ask for confirmation on a terminal (a downgrade still asks: --allow-downgrade)"},
		&cli.StringFlag{Name: "confirm-above", EnvVars: []string{"FLEET_CONFIRM_ABOVE"}, Usage: "on a terminal, ask before changing more than N or P% of the fleet (default: inventory's strategy.confirm_above, else " + deploy.DefaultConfirmAbove + ")"},
	}
}

// confirmOptions is how a mutating command asks: deploy.ConfirmPolicy
// decides, and the question goes to the terminal.
type confirmOptions struct {
	policy deploy.ConfirmPolicy
	in     io.Reader // the terminal to read the answer from
	out    io.Writer // where the question goes: stdout, or stderr with --output json
}

func newConfirmOptions(c *cli.Context, jsonOut bool) (confirmOptions, error) {
	o := confirmOptions{in: c.App.Reader, out: c.App.Writer}
	if jsonOut {
		o.out = c.App.ErrWriter
	}
	o.policy = deploy.ConfirmPolicy{Interactive: render.Interactive(o.in, o.out), Yes: c.Bool("yes"),
		Above: c.String("confirm-above"), AllowDowngrade: c.Bool("allow-downgrade")}
	return o, o.policy.Check()
}

// errNotConfirmed: the person at the terminal said no.
var errNotConfirmed = errors.New("not confirmed; nothing changed")

// confirm is deploy.Options.Confirm: the policy's question, if any.
func (t *target) confirm(p plan.Plan, what string) error {
	return t.prompt(t.ask.policy.Change(t.inv, p, what))
}

// downgrade is deploy.Options.Downgrade for a rollout.
func (t *target) downgrade(what string) error {
	return t.prompt(t.ask.policy.Downgrade(what))
}

// prompt asks q at the terminal: nil for yes, errNotConfirmed otherwise.
// No question (q "") or a refusal (err) asks nothing.
func (t *target) prompt(q string, err error) error {
	if q == "" || err != nil {
		return err
	}
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
