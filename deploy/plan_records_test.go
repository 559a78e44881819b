package deploy_test

import (
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
)

// TestPlanEvents_Provenance: fleet plan -o json's plan event says what
// the artifact is (revision, dirty, the whole provenance), and the
// rollback dry run's says what the target release is, as the hosts
// recorded it, and lists the commits the rollback removes (text and
// events), as the rollback itself does.
func TestPlanEvents_Provenance(t *testing.T) {
	repo, c := gitRepo(t, "first", "add /healthz", "fix the retry storm")
	f := hostsim.New(t, 2, hostsim.Options{})
	o := simOptions(t, f, "", &events{})
	o.RepoDir = repo
	for _, v := range []struct{ version, rev string }{{"v1", c[0]}, {"v2", c[2]}} {
		o.Artifact = revArtifact(t, v.version, v.rev)
		if rec, err := deploy.Rollout(t.Context(), o); err != nil || rec.Result.Err() != nil {
			t.Fatalf("rollout %s: %v", v.version, err)
		}
	}

	o.Artifact = revArtifact(t, "v3", c[2])
	rep, err := deploy.Plan(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	evs := rep.Events()
	if ev := evs[0]; ev.Kind != deploy.KindPlan || ev.Revision != c[2] || ev.Dirty || ev.Provenance == nil ||
		ev.Provenance.Revision() != c[2] {
		t.Errorf("plan's first event = %+v, want plan with revision %s and the provenance", ev, c[2])
	}
	if last := evs[len(evs)-1]; last.Kind != deploy.KindChangelog || last.State != "same" {
		t.Errorf("plan's last event = %+v, want the changelog (same revision)", last)
	}
	o.Artifact = artifact(t, "v4") // nothing known: no provenance fields
	if rep, err := deploy.Plan(t.Context(), o); err != nil || rep.Events()[0].Revision != "" {
		t.Errorf("plan of an artifact without provenance: %+v, %v", rep.Events()[0], err)
	}

	rb := simOptions(t, f, "", &events{})
	rb.To, rb.RepoDir = "v1", repo
	rp, err := deploy.PlanRollback(t.Context(), rb)
	if err != nil {
		t.Fatal(err)
	}
	if rp.Provenance == nil || rp.Provenance.Revision() != c[0] {
		t.Errorf("rollback plan's provenance = %+v, want v1's, %s", rp.Provenance, c[0])
	}
	if len(rp.Changelog) != 1 || rp.Changelog[0].Direction != "reverse" || len(rp.Changelog[0].Commits) != 2 ||
		rp.Changelog[0].Commits[0].Hash != c[2] {
		t.Errorf("rollback plan's changelog = %+v, want the 2 commits it removes", rp.Changelog)
	}
	evs = rp.Events(nil)
	if evs[0].Kind != deploy.KindPlan || evs[0].Revision != c[0] || evs[0].Provenance == nil {
		t.Errorf("rollback plan's first event = %+v, want plan with v1's revision", evs[0])
	}
	if got := changelogEvents(evs); len(got) != 1 || got[0].State != "reverse" || len(got[0].Commits) != 2 {
		t.Errorf("rollback plan's changelog events = %+v", got)
	}
	if cur := f.Host(0).Current(); cur != "v2" {
		t.Errorf("the dry run changed %s: current %s, want v2", f.Host(0).Name(), cur)
	}
}
