package deploy_test

import (
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
)

// TestRollout_ChangeNote: a rollout's change note reaches every host's
// journal (every entry of the run), Consul meta (cut to 512 bytes),
// rollout_started, the report and fleet history, whole where it can be.
func TestRollout_ChangeNote(t *testing.T) {
	f := hostsim.New(t, 2, hostsim.Options{Consul: true})
	evs := &events{}
	o := simOptions(t, f, "", evs)
	o.Artifact = artifact(t, "v1")
	o.ChangeNote = "fix the retry storm (JIRA-12) " + strings.Repeat("é", 300)
	rec, err := deploy.Rollout(t.Context(), o)
	if err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout: %v %+v", err, rec.Result)
	}
	for _, h := range f.Hosts() {
		n := 0
		for _, e := range h.JournalEntries(t) {
			if e.RolloutID != rec.ID {
				continue
			}
			n++
			if e.ChangeNote != o.ChangeNote {
				t.Errorf("%s: journal %s: change note %q, want the whole note", h.Name(), e.Op, e.ChangeNote)
			}
		}
		if n == 0 {
			t.Errorf("%s: no journal entry of rollout %s", h.Name(), rec.ID)
		}
		svc, ok := h.Consul().Service("hello")
		if !ok {
			t.Fatalf("%s: not registered in Consul", h.Name())
		}
		note := svc.Registration.Meta["change_note"]
		if len(note) > 512 || !strings.HasSuffix(note, "…") || !strings.HasPrefix(o.ChangeNote, strings.TrimSuffix(note, "…")) {
			t.Errorf("%s: Consul meta change_note %d bytes %q, want the note cut to 512 bytes", h.Name(), len(note), note)
		}
	}
	if started := evs.evs[0]; started.Kind != deploy.KindRolloutStarted || started.ChangeNote != o.ChangeNote {
		t.Errorf("first event %s with change note %q, want rollout_started with the note", started.Kind, started.ChangeNote)
	}
	if rep := rec.Report("succeeded", 0, nil, rec.Result.Hosts[0].Started, rec.Result.Hosts[0].Finished); rep.ChangeNote != o.ChangeNote {
		t.Errorf("report change note %q, want the note", rep.ChangeNote)
	}
	rs, err := deploy.History(t.Context(), simOptions(t, f, "", &events{}))
	if err != nil || len(rs) != 1 || rs[0].ChangeNote != o.ChangeNote {
		t.Errorf("History = %+v, %v; want one rollout with the note", rs, err)
	}
}
