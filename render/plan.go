package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/changelog"
	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/internal/semver"
	"github.com/fleetdeploy/fleet/plan"
)

// Plan is fleet plan for people: one line on the rollout, a table of
// hosts in the order they would go, then one sentence.
func Plan(w io.Writer, rep deploy.PlanReport) {
	p, art := rep.Plan, rep.Artifact
	fmt.Fprintf(w, "Plan: roll %s (%s, sha256 %.12s) out to %d hosts, maxUnavailable=%d, maxSurge=%d, failure budget %d%s\n",
		art.Version, byteSize(art.Size), art.SHA256, len(p.Hosts), p.Window, p.SurgeWindow, p.Budget, deploy.DrainNote(rep.Consul))
	fmt.Fprintf(w, "Build: %s\n", art.Provenance)
	if art.URL != "" {
		fmt.Fprintf(w, "Fetch: each host downloads it from %s (its size is unknown here; the controller uploads nothing)\n", art.ShownURL())
	}
	if rep.Peers != nil {
		fmt.Fprintf(w, "Peers: %s\n", strings.Join(rep.Peers.Lines(), "\n       "))
	}
	versionChange(w, p)
	estimate(w, rep.Estimate)
	fmt.Fprintln(w)
	planTable(w, p, rep.Uploads, rep.Consul)
	graySteps(w, rep.Gray)
	planHooks(w, rep.Hooks)
	Changelog(w, rep.Changelog)
}

// Changelog is what a run changes, commit by commit, after a plan: one
// block per revision the changing hosts run. Nothing without.
func Changelog(w io.Writer, logs []changelog.Log) {
	if len(logs) == 0 {
		return
	}
	fmt.Fprintln(w, "\nChanges:")
	for _, l := range logs {
		for _, line := range l.Lines() {
			fmt.Fprintln(w, line)
		}
	}
}

// versionChange is the line on the semantic version change, when the
// hosts that change run a version and every version is a semantic one.
func versionChange(w io.Writer, p plan.Plan) {
	switch c := deploy.VersionChange(p); c {
	case "", semver.NotSemver: // only when versions are semantic versions
	case semver.Downgrade:
		fmt.Fprintf(w, "Version change: DOWNGRADE on %s; fleet rollout asks on a terminal, elsewhere it needs --allow-downgrade\n",
			strings.Join(deploy.Downgrades(p), ", "))
	default:
		fmt.Fprintf(w, "Version change: %s\n", c)
	}
}

// estimate is the line on how long the rollout and a full rollback take
// at least, and the warning when the rollback takes too long.
func estimate(w io.Writer, e deploy.PlanEstimate) {
	fmt.Fprintf(w, "Estimate: rollout at least %s, full rollback at least %s (%d waves, maxUnavailable=%d)\n",
		e.Rollout, e.Rollback, e.RollbackWaves, e.RollbackWindow)
	if e.Warning != "" {
		fmt.Fprintf(w, "Warning: %s\n", e.Warning)
	}
}

// graySteps is a gray release's steps, after the table: the share each
// weight step gives the canary and the weights behind it.
func graySteps(w io.Writer, steps []deploy.GrayStep) {
	if len(steps) == 0 {
		return
	}
	fmt.Fprintln(w, "\nGray release:")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tKIND\tWHAT")
	for _, s := range steps {
		fmt.Fprintf(tw, "%d\t%s\t%s\n", s.Step, s.Kind, s.Text)
	}
	_ = tw.Flush()
}

// RollbackPlan is fleet rollback --dry-run for people, as Plan: the
// target and where it came from, what it is (when the hosts recorded it),
// the table, the sentence, then the commits it removes. consul is the
// app's Consul settings, nil without.
func RollbackPlan(w io.Writer, rp deploy.RollbackPlan, consul *appspec.Consul) {
	p := rp.Plan
	fmt.Fprintf(w, "Rollback plan: return %d hosts to %s (%s), maxUnavailable=%d, nothing to upload%s\n",
		len(p.Hosts), p.Hosts[0].To, rp.Why, p.Window, deploy.DrainNote(consul))
	if rp.Provenance != nil {
		fmt.Fprintf(w, "Build: %s\n", rp.Provenance)
	}
	fmt.Fprintln(w)
	planTable(w, p, nil, consul)
	Changelog(w, rp.Changelog)
}

// planTable is a plan's table, hosts in the order they would go, then
// one sentence. consul is nil without Consul.
func planTable(w io.Writer, p plan.Plan, uploads map[string]deploy.HostUpload, consul *appspec.Consul) {
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
	case u.Fetch:
		return "fetch"
	case u.Present:
		return "present"
	}
	return "-"
}
