package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/changelog"
	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/provenance"
)

// PlanReport is what a rollout of an artifact would do, read from the
// hosts without the lock and without changing anything (fleet plan).
type PlanReport struct {
	Plan     plan.Plan
	Artifact Artifact
	// Uploads is what the rollout would send each host of the plan.
	Uploads map[string]HostUpload
	// Consul is the app's Consul settings (the drain); nil without.
	Consul *appspec.Consul
	// Gray is a gray release's steps as the rollout would carry them out
	// (strategy.steps); nil without.
	Gray []GrayStep
	// Changelog is what the rollout changes, commit by commit, per
	// revision the changing hosts run (Options.RepoDir); nil without.
	Changelog []changelog.Log
	// Estimate is how long the rollout and a full rollback take at least.
	Estimate PlanEstimate
	// Hooks are the app's hooks and where the rollout would run them.
	Hooks []PlanHook
	// Peers is who would fetch from whom (strategy.distribute: peers);
	// nil without.
	Peers *PeerTree
}

// HostUpload is what a rollout would send one host.
type HostUpload struct {
	Bytes    int64
	Present  bool   // the host already has the release
	Conflict string // the host has the version with other bytes
	Fetch    bool   // the host would download the release from its URL (Bytes is 0)
}

// Plan asks every selected host what it runs and holds, and computes the
// waves a rollout of o.Artifact with o.Strategy would run and what it
// would upload. A version the hosts hold with other bytes is not an error
// here: the report says so (Conflicts), so that it can be shown.
func Plan(ctx context.Context, o Options) (PlanReport, error) {
	t := newTarget(o)
	if err := refusePeers(o.Inventory, o.Artifact); err != nil {
		return PlanReport{}, err
	}
	fc, err := t.connect(ctx, "", false)
	defer fc.Close()
	if err != nil {
		return PlanReport{}, err
	}
	p, seen, err := t.planRollout(ctx, fc, o.Strategy, o.Artifact.Version)
	if err != nil {
		return PlanReport{}, err
	}
	g, err := t.newGrayRelease(fc, p)
	if err != nil {
		return PlanReport{}, err
	}
	if err := t.needQuerier(); err != nil {
		return PlanReport{}, err
	}
	logs, err := t.changelogs(ctx, seen, o.Artifact.Version, o.Artifact.Provenance.Revision())
	if err != nil {
		return PlanReport{}, err
	}
	hooks, err := t.planHooks(p)
	if err != nil {
		return PlanReport{}, err
	}
	gray := g.plan()
	return PlanReport{Plan: p, Artifact: o.Artifact, Uploads: planUploads(p, seen, o.Artifact), Consul: t.inv.App.Consul,
		Gray: gray, Changelog: logs, Estimate: estimate(p, t.inv, gray), Hooks: hooks, Peers: t.peerTree(p, o.Artifact)}, nil
}

// Events is the report for machines (fleet plan -o json): plan, carrying
// the artifact's provenance and the estimates, then PlanEvents, the gray release's steps and
// the changelog.
func (r PlanReport) Events() []Event {
	ev := withProvenance(PlanEvent(r.Plan, r.Consul, r.Artifact.fetchNote()), r.Artifact.provenanceOf())
	ev.EstimateMS, ev.RollbackEstimateMS = estimateMS(r.Estimate.Rollout), estimateMS(r.Estimate.Rollback)
	ev.Warning = r.Estimate.Warning
	evs := []Event{ev}
	evs = append(evs, PlanEvents(r.Plan, r.Uploads, r.Consul)...)
	evs = append(evs, GrayStepEvents(r.Gray)...)
	evs = append(evs, PlanHookEvents(r.Hooks)...)
	evs = append(evs, r.Peers.Events()...)
	return append(evs, ChangelogEvents(r.Changelog)...)
}

// withProvenance is a plan event that also says what the release it
// goes to is: its commit, whether its tree was dirty, and the whole
// provenance; ev unchanged when p is nil.
func withProvenance(ev Event, p *provenance.Provenance) Event {
	if p != nil {
		ev.Revision, ev.Dirty, ev.Provenance = p.Revision(), p.Dirty(), p
	}
	return ev
}

// Conflicts is why a rollout of the plan would be refused: the hosts that
// hold its version with other bytes; nil when none does.
func (r PlanReport) Conflicts() error {
	return conflicts(r.Plan, r.Uploads)
}

// planUploads works out, from each host's releases, whether the rollout
// would upload the artifact to it.
func planUploads(p plan.Plan, seen map[string]agent.StatusResult, art Artifact) map[string]HostUpload {
	out := map[string]HostUpload{}
	for _, hp := range p.Hosts {
		u := HostUpload{Bytes: art.Size}
		for _, rel := range seen[hp.Host].Releases {
			if rel.Version != art.Version {
				continue
			}
			u.Bytes, u.Present = 0, true
			// The version names the release: other bytes under the same
			// name are refused wherever they are, current, previous or
			// only installed (versionConflicts).
			u.Conflict = conflictWith(rel, art)
		}
		if hp.Action != plan.ActionUpdate {
			u.Bytes = 0
		}
		u.Fetch = art.URL != "" && hp.Action == plan.ActionUpdate && !u.Present
		out[hp.Host] = u
	}
	return out
}

// conflictWith says how rel, a release of the artifact's version, differs
// from the artifact; "" when the bytes are the same.
func conflictWith(rel agent.Release, art Artifact) string {
	if rel.SHA256 == art.SHA256 {
		return ""
	}
	return fmt.Sprintf("has %s with sha256 %.12s, the artifact is %.12s: give this build another version", rel.Version, rel.SHA256, art.SHA256)
}

func conflicts(p plan.Plan, uploads map[string]HostUpload) error {
	var errs []error
	for _, hp := range p.Hosts {
		if c := uploads[hp.Host].Conflict; c != "" {
			errs = append(errs, &plan.HostError{Host: hp.Host, Op: "stage", Err: fmt.Errorf("%w: %s", agent.CodeVersionConflict, c)})
		}
	}
	return errors.Join(errs...)
}

// planTotals sums a plan up: hosts by mode and action, and the upload.
func planTotals(p plan.Plan, uploads map[string]HostUpload) (counts map[string]int, bytes int64) {
	counts = map[string]int{}
	for _, hp := range p.Hosts {
		counts[string(hp.Action)]++
		if hp.Mode != "" {
			counts[string(hp.Mode)]++
		}
		if u := uploads[hp.Host]; u.Bytes > 0 {
			counts["upload"]++
			bytes += u.Bytes
		}
	}
	return counts, bytes
}

// PlanEvents is a plan for machines: plan_wave, plan_host, then
// plan_summary. uploads may be nil (a rollback uploads nothing); consul is
// the app's Consul settings, nil without Consul.
func PlanEvents(p plan.Plan, uploads map[string]HostUpload, consul *appspec.Consul) []Event {
	var evs []Event
	for i, w := range p.Waves {
		ev := Event{Kind: KindPlanWave, Wave: i + 1, Waves: len(p.Waves), Hosts: len(w), Message: strings.Join(w, " ")}
		if i == 0 && len(p.Canary) > 0 {
			ev.State = "canary"
		}
		evs = append(evs, ev)
	}
	for _, h := range p.Hosts {
		u := uploads[h.Host]
		evs = append(evs, Event{Kind: KindPlanHost, Host: h.Host, Wave: h.Wave, Mode: string(h.Mode), From: h.From, To: h.To,
			State: string(h.Action), Bytes: u.Bytes, DrainMS: drainMS(consul, h), Message: h.Reason, Error: u.Conflict})
	}
	counts, bytes := planTotals(p, uploads)
	result := "no-change"
	if p.Changes() > 0 {
		result = "changes"
	}
	return append(evs, Event{Kind: KindPlanSummary, Hosts: p.Changes(), Waves: len(p.Waves), Counts: counts, Bytes: bytes,
		Result: result, VersionChange: string(VersionChange(p)), Message: PlanSentence(p, uploads)})
}

// PlanSentence sums a plan up in one sentence for people: what changes,
// how, and what would be uploaded.
func PlanSentence(p plan.Plan, uploads map[string]HostUpload) string {
	if p.Changes() == 0 {
		return fmt.Sprintf("Nothing to change: all %d hosts already run %s.", len(p.Hosts), p.Hosts[0].To)
	}
	counts, bytes := planTotals(p, uploads)
	return fmt.Sprintf("%d to change (%d in place, %d surge) in %d waves, %d unchanged; %s to upload to %d hosts.",
		p.Changes(), counts[string(plan.ModeInPlace)], counts[string(plan.ModeSurge)], len(p.Waves),
		counts[string(plan.ActionSkip)], ByteSize(bytes), counts["upload"])
}
