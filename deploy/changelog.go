package deploy

import (
	"context"
	"fmt"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/changelog"
	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/report"
)

// changelogs is what the run changes, commit by commit: one Log per
// distinct revision the changing hosts run now, to targetRev, read by git
// in the controller's repository (Options.RepoDir). A host that runs
// nothing yet, or already runs version, has nothing to list. nil when
// RepoDir is "" (no changelog asked for) or no host changes. Only an
// ended ctx is an error: a changelog that cannot be had is a Log with a
// Reason.
func (t *target) changelogs(ctx context.Context, seen map[string]agent.StatusResult, version, targetRev string) ([]changelog.Log, error) {
	if t.repoDir == "" {
		return nil, nil
	}
	var running []string
	for _, h := range t.hosts {
		st, ok := seen[h.Name]
		if !ok || st.Current == "" || st.Current == version {
			continue
		}
		var rev string
		if p := releaseProvenance(st, st.Current); p != nil {
			rev = p.Revision()
		}
		running = append(running, rev)
	}
	if len(running) == 0 {
		return nil, nil
	}
	logs, err := changelog.For(ctx, t.repoDir, running, targetRev, changelog.DefaultMax)
	if err != nil {
		return nil, fmt.Errorf("changelog: %w", err)
	}
	return logs, nil
}

// whatChanges tells what a rollout or promote to version changes before
// it asks: the changelog from the run's provenance, then, for a rollout
// (not a promote: the release is already out), the downgrade question.
func (t *target) whatChanges(ctx context.Context, seen map[string]agent.StatusResult, p plan.Plan, version string, rollout bool) error {
	var rev string
	if pr := t.rec.Provenance; pr != nil {
		rev = pr.Revision()
	}
	logs, err := t.changelogs(ctx, seen, version, rev)
	if err != nil {
		return err
	}
	t.emitChangelog(logs)
	if rollout {
		return t.checkDowngrade(p, version)
	}
	return nil
}

// ChangelogEvents is a changelog for machines: one changelog event per
// running revision.
func ChangelogEvents(logs []changelog.Log) []Event {
	evs := make([]Event, 0, len(logs))
	for _, l := range logs {
		ev := Event{Kind: KindChangelog, From: l.From, To: l.To, Hosts: l.Hosts, State: string(l.Direction),
			Total: int64(l.Total()), Message: l.Lines()[0]}
		if l.Reason != "" {
			ev.Error = l.Reason
		}
		for _, c := range l.Commits {
			ev.Commits = append(ev.Commits, EventCommit{Hash: c.Hash, Author: c.Author, Subject: c.Subject})
		}
		evs = append(evs, ev)
	}
	return evs
}

// emitChangelog sends a run's changelog and keeps it for the report.
func (t *target) emitChangelog(logs []changelog.Log) {
	if t.rec != nil {
		t.rec.Changelog = logs
	}
	for _, ev := range ChangelogEvents(logs) {
		t.out.emit(ev)
	}
}

// reportChangelog is logs in the report's own types.
func reportChangelog(logs []changelog.Log) []report.Change {
	var out []report.Change
	for _, l := range logs {
		ch := report.Change{From: l.From, To: l.To, FromCommit: l.FromCommit, ToCommit: l.ToCommit,
			Direction: string(l.Direction), Hosts: l.Hosts, More: l.More, Removed: l.Removed, Reason: l.Reason,
			Commits: []report.Commit{}}
		for _, c := range l.Commits {
			ch.Commits = append(ch.Commits, report.Commit{Hash: c.Hash, Author: c.Author, Time: c.Time, Subject: c.Subject})
		}
		out = append(out, ch)
	}
	return out
}
