package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/agent"
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

// hostUpload is what a rollout would send one host.
type hostUpload struct {
	bytes    int64
	present  bool   // the host already has the release
	conflict string // the host has the version with other bytes
}

func runPlan(c *cli.Context) error {
	ctx := c.Context
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	strategy, _, err := rolloutStrategy(c, t.inv.Strategy)
	if err != nil {
		return withExit(exitCannotStart, strategyError(t.inv.File, err))
	}
	// The same check as rollout's: a plan must not show what a rollout
	// would refuse.
	if v := c.String("version"); v != "" {
		if err := agent.ValidateVersion(v); err != nil {
			return withExit(exitCannotStart, fmt.Errorf("--version: %w", err))
		}
	}
	art, err := openArtifact(c.String("artifact"), c.String("version"))
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	fc, err := t.connect(ctx, "", false)
	defer fc.Close()
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	p, seen, err := t.planRollout(ctx, fc, strategy, art.version)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	uploads := planUploads(p, seen, art)
	consul := t.inv.App.Consul
	if t.out.json {
		t.emitPlan(p, "")
		emitPlanEvents(t.out, p, uploads, consul)
	} else {
		t.out.write(func(w io.Writer) { writePlan(w, p, uploads, art, consul) })
	}
	if err := conflicts(p, uploads); err != nil {
		return withExit(exitCannotStart, fmt.Errorf("a rollout would be refused: %w", err))
	}
	if c.Bool("detailed-exitcode") && p.Changes() > 0 {
		return exitStatus(exitPlanChanges)
	}
	return nil
}

// planUploads works out, from each host's releases, whether the rollout
// would upload the artifact to it.
func planUploads(p plan.Plan, seen map[string]agent.StatusResult, art artifact) map[string]hostUpload {
	out := map[string]hostUpload{}
	for _, hp := range p.Hosts {
		u := hostUpload{bytes: art.size}
		for _, rel := range seen[hp.Host].Releases {
			if rel.Version != art.version {
				continue
			}
			u.bytes, u.present = 0, true
			// The version names the release: other bytes under the same
			// name are refused wherever they are, current, previous or
			// only installed (versionConflicts).
			u.conflict = conflictWith(rel, art)
		}
		if hp.Action != plan.ActionUpdate {
			u.bytes = 0
		}
		out[hp.Host] = u
	}
	return out
}

// conflictWith says how rel, a release of the artifact's version, differs
// from the artifact; "" when the bytes are the same.
func conflictWith(rel agent.Release, art artifact) string {
	if rel.SHA256 == art.sha256 {
		return ""
	}
	return fmt.Sprintf("has %s with sha256 %.12s, the artifact is %.12s: give this build another version", rel.Version, rel.SHA256, art.sha256)
}

func conflicts(p plan.Plan, uploads map[string]hostUpload) error {
	var errs []error
	for _, hp := range p.Hosts {
		if c := uploads[hp.Host].conflict; c != "" {
			errs = append(errs, &plan.HostError{Host: hp.Host, Op: "stage", Err: fmt.Errorf("%w: %s", agent.CodeVersionConflict, c)})
		}
	}
	return errors.Join(errs...)
}

// planTotals sums a plan up: hosts by mode and action, and the upload.
func planTotals(p plan.Plan, uploads map[string]hostUpload) (counts map[string]int, bytes int64) {
	counts = map[string]int{}
	for _, hp := range p.Hosts {
		counts[string(hp.Action)]++
		if hp.Mode != "" {
			counts[string(hp.Mode)]++
		}
		if u := uploads[hp.Host]; u.bytes > 0 {
			counts["upload"]++
			bytes += u.bytes
		}
	}
	return counts, bytes
}

// emitPlanEvents is the plan for machines: plan_wave, plan_host, then
// plan_summary. consul is the app's Consul settings, nil without Consul.
func emitPlanEvents(out *progress, p plan.Plan, uploads map[string]hostUpload, consul *inventory.Consul) {
	for i, w := range p.Waves {
		ev := event{Kind: "plan_wave", Wave: i + 1, Waves: len(p.Waves), Hosts: len(w), Message: strings.Join(w, " ")}
		if i == 0 && len(p.Canary) > 0 {
			ev.State = "canary"
		}
		out.emit(ev)
	}
	for _, h := range p.Hosts {
		u := uploads[h.Host]
		out.emit(event{Kind: "plan_host", Host: h.Host, Wave: h.Wave, Mode: string(h.Mode), From: h.From, To: h.To,
			State: string(h.Action), Bytes: u.bytes, DrainMS: drainMS(consul, h), Message: h.Reason, Error: u.conflict})
	}
	counts, bytes := planTotals(p, uploads)
	result := "no-change"
	if p.Changes() > 0 {
		result = "changes"
	}
	out.emit(event{Kind: "plan_summary", Hosts: p.Changes(), Waves: len(p.Waves), Counts: counts, Bytes: bytes, Result: result,
		Message: planSentence(p, counts, bytes)})
}

// writePlan is the plan for people: a table of hosts in the order they
// would go, then one sentence. consul is nil without Consul.
func writePlan(w io.Writer, p plan.Plan, uploads map[string]hostUpload, art artifact, consul *inventory.Consul) {
	fmt.Fprintf(w, "Plan: roll %s (%s, sha256 %.12s) out to %d hosts, maxUnavailable=%d, maxSurge=%d, failure budget %d%s\n\n",
		art.version, byteSize(art.size), art.sha256, len(p.Hosts), p.Window, p.SurgeWindow, p.Budget, drainNote(consul))
	writePlanTable(w, p, uploads, consul)
}

// writePlanTable is the plan's table, hosts in the order they would go,
// then one sentence.
func writePlanTable(w io.Writer, p plan.Plan, uploads map[string]hostUpload, consul *inventory.Consul) {
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
			drainCell(consul, h), uploadCell(uploads[h.Host]))
	}
	_ = tw.Flush()
	counts, bytes := planTotals(p, uploads)
	fmt.Fprintf(w, "\n%s\n", planSentence(p, counts, bytes))
}

func uploadCell(u hostUpload) string {
	switch {
	case u.conflict != "":
		return "CONFLICT: " + u.conflict
	case u.bytes > 0:
		return byteSize(u.bytes)
	case u.present:
		return "present"
	}
	return "-"
}

func planSentence(p plan.Plan, counts map[string]int, bytes int64) string {
	if p.Changes() == 0 {
		return fmt.Sprintf("Nothing to change: all %d hosts already run %s.", len(p.Hosts), p.Hosts[0].To)
	}
	return fmt.Sprintf("%d to change (%d in place, %d surge) in %d waves, %d unchanged; %s to upload to %d hosts.",
		p.Changes(), counts[string(plan.ModeInPlace)], counts[string(plan.ModeSurge)], len(p.Waves),
		counts[string(plan.ActionSkip)], byteSize(bytes), counts["upload"])
}
