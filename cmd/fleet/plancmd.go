package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// exitPlanChanges is `fleet plan --detailed-exitcode`'s answer when a
// rollout would change hosts (as terraform plan does); 0 means it would
// change nothing.
const exitPlanChanges = 2

func planCommand() *cli.Command {
	return &cli.Command{
		Name:  "plan",
		Usage: "show the waves a rollout would run and what it would upload, touching nothing",
		Flags: concatFlags(commonFlags(), strategyFlags(), []cli.Flag{
			&cli.StringFlag{Name: "artifact", Aliases: []string{"a"}, Required: true, EnvVars: []string{"FLEET_ARTIFACT"}, Usage: "the release binary"},
			&cli.StringFlag{Name: "version", EnvVars: []string{"FLEET_VERSION"}, Usage: "release version (default: derived from the artifact's checksum)"},
			&cli.StringFlag{Name: "canary", EnvVars: []string{"FLEET_CANARY"}, Usage: "first wave of N or P% hosts (default: inventory)"},
			&cli.StringFlag{Name: "strategy", EnvVars: []string{"FLEET_STRATEGY"}, Usage: "rolling or blue-green (default: inventory)"},
			&cli.BoolFlag{Name: "detailed-exitcode", EnvVars: []string{"FLEET_DETAILED_EXITCODE"}, Usage: "exit 2 when the rollout would change hosts, 0 when it would not"},
		}),
		Action: runPlan,
	}
}

func runPlan(c *cli.Context) error {
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	o := t.opts
	if o.Strategy, _, err = rolloutStrategy(c, t.inv.Strategy); err != nil {
		return withExit(exitCannotStart, strategyError(t.inv.File, err))
	}
	// The same check as rollout's: a plan must not show what a rollout
	// would refuse.
	if err := checkVersion(c); err != nil {
		return withExit(exitCannotStart, err)
	}
	if o.Artifact, err = artifactOf(c); err != nil {
		return withExit(exitCannotStart, err)
	}
	rep, err := deploy.Plan(c.Context, o)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	if t.out.json {
		t.out.emit(deploy.PlanEvent(rep.Plan, rep.Consul, ""))
		t.emitAll(deploy.PlanEvents(rep.Plan, rep.Uploads, rep.Consul))
	} else {
		t.out.write(func(w io.Writer) { writePlan(w, rep) })
	}
	if err := rep.Conflicts(); err != nil {
		return withExit(exitCannotStart, fmt.Errorf("a rollout would be refused: %w", err))
	}
	if c.Bool("detailed-exitcode") && rep.Plan.Changes() > 0 {
		return exitStatus(exitPlanChanges)
	}
	return nil
}

// emitAll writes events in order.
func (t *target) emitAll(evs []event) {
	for _, ev := range evs {
		t.out.emit(ev)
	}
}

// writePlan is the plan for people: a table of hosts in the order they
// would go, then one sentence. consul is nil without Consul.
func writePlan(w io.Writer, rep deploy.PlanReport) {
	p, art := rep.Plan, rep.Artifact
	fmt.Fprintf(w, "Plan: roll %s (%s, sha256 %.12s) out to %d hosts, maxUnavailable=%d, maxSurge=%d, failure budget %d%s\n\n",
		art.Version, byteSize(art.Size), art.SHA256, len(p.Hosts), p.Window, p.SurgeWindow, p.Budget, deploy.DrainNote(rep.Consul))
	writePlanTable(w, p, rep.Uploads, rep.Consul)
}

// writePlanTable is the plan's table, hosts in the order they would go,
// then one sentence.
func writePlanTable(w io.Writer, p plan.Plan, uploads map[string]deploy.HostUpload, consul *inventory.Consul) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WAVE\tHOST\tMODE\tFROM\tTO\tACTION\tDRAIN\tUPLOAD")
	for _, h := range p.Hosts {
		wave, mode := "-", "-"
		if h.Wave > 0 {
			wave = fmt.Sprint(h.Wave)
			if h.Wave == 1 && len(p.Canary) > 0 {
				wave += " (canary)"
			}
			mode = string(h.Mode)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", wave, h.Host, mode, orNone(h.From), orNone(h.To), h.Action,
			deploy.DrainCell(consul, h), uploadCell(uploads[h.Host]))
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\n%s\n", deploy.PlanSentence(p, uploads))
}

func uploadCell(u deploy.HostUpload) string {
	switch {
	case u.Conflict != "":
		return "CONFLICT: " + u.Conflict
	case u.Bytes > 0:
		return byteSize(u.Bytes)
	case u.Present:
		return "present"
	}
	return "-"
}
