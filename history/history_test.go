package history_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/history"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// journal builds one host's entries of one rollout, a second apart,
// from "op result [from>to|version]" specs.
type journal struct {
	host, id, cmd string
	at            time.Duration
	entries       []history.Entry
}

func (j *journal) add(op, result, from, to, version, slot string) *journal {
	j.entries = append(j.entries, history.Entry{
		Host: j.host, Time: t0.Add(j.at), User: "alice", Machine: "laptop", Command: j.cmd,
		RolloutID: j.id, Op: op, From: from, To: to, Version: version, Slot: slot, Result: result,
	})
	j.at += time.Second
	return j
}

func inPlace(host, id, cmd string, at time.Duration, from, to, verdict string) *journal {
	j := &journal{host: host, id: id, cmd: cmd, at: at}
	j.add("lock", "ok", "", "", "", "").add("stage_commit", "ok", "", "", to, "")
	j.add("switch", "ok", from, to, to, "").add("restart", "ok", "", "", "", "")
	return j.add("health", verdict, "", "", to, "")
}

func merge(js ...*journal) []history.Rollout {
	var all []history.Entry
	for _, j := range js {
		all = append(all, j.entries...)
	}
	// Any order in, the same timeline out.
	slices.Reverse(all)
	return history.Merge(all)
}

func results(r history.Rollout) map[string]string {
	m := map[string]string{}
	for _, h := range r.Hosts {
		m[h.Host] = h.Result + " " + h.From + ">" + h.Final
	}
	return m
}

func TestMerge_Timeline(t *testing.T) {
	const up = "fleet rollout -i fleet.yaml -a hello-v2 --version v2"
	rs := merge(
		inPlace("web1", "r2", up, time.Hour, "v1", "v2", "healthy"),
		inPlace("web2", "r2", up, time.Hour+10*time.Second, "v1", "v2", "healthy"),
		inPlace("web1", "r1", "fleet rollout -a v1", 0, "", "v1", "healthy"),
		&journal{}, // entries without a rollout id are not a rollout
	)
	if len(rs) != 2 || rs[0].ID != "r1" || rs[1].ID != "r2" {
		t.Fatalf("rollouts %+v, want r1 then r2", rs)
	}
	r := rs[1]
	if r.Command != "rollout" || r.User != "alice" || r.Machine != "laptop" || r.CommandLine != up ||
		!r.Started.Equal(t0.Add(time.Hour)) || r.DurationMS != 14000 || r.Result != history.Succeeded ||
		!reflect.DeepEqual(r.From, []string{"v1"}) || !reflect.DeepEqual(r.To, []string{"v2"}) {
		t.Errorf("r2 = %+v", r)
	}
	want := map[string]string{"web1": "changed v1>v2", "web2": "changed v1>v2"}
	if got := results(r); !reflect.DeepEqual(got, want) {
		t.Errorf("hosts %v, want %v", got, want)
	}
}

func TestMerge_Outcomes(t *testing.T) {
	const cmd = "fleet rollout"
	failedThenBack := inPlace("web2", "r", cmd, 5*time.Second, "v1", "bad", "unhealthy")
	failedThenBack.add("switch", "ok", "bad", "v1", "v1", "").add("restart", "ok", "", "", "", "").add("health", "healthy", "", "", "v1", "")
	okThenBack := inPlace("web1", "r", cmd, 0, "v1", "bad", "healthy")
	okThenBack.add("switch", "ok", "bad", "v1", "v1", "").add("restart", "ok", "", "", "", "").add("health", "healthy", "", "", "v1", "")
	untouched := (&journal{host: "web3", id: "r", cmd: cmd}).add("lock", "ok", "", "", "", "")

	tests := []struct {
		name  string
		js    []*journal
		want  string
		hosts map[string]string
	}{
		{"RolledBack", []*journal{okThenBack, failedThenBack, untouched}, history.RolledBack,
			map[string]string{"web1": "rolled-back v1>v1", "web2": "failed v1>v1", "web3": "unchanged >"}},
		{"LeftMixed", []*journal{inPlace("web1", "r", cmd, 0, "v1", "bad", "healthy"), inPlace("web2", "r", cmd, 0, "v1", "bad", "unhealthy")},
			history.Failed, map[string]string{"web1": "changed v1>bad", "web2": "failed v1>bad"}},
		{"Interrupted", []*journal{(&journal{host: "web1", id: "r", cmd: cmd}).add("switch", "ok", "v1", "v2", "v2", "").add("restart", "ok", "", "", "", "")},
			history.Incomplete, map[string]string{"web1": "incomplete v1>v2"}},
		{"RefusedAtStaging", []*journal{(&journal{host: "web1", id: "r", cmd: cmd}).add("lock", "ok", "", "", "", "").add("stage_commit", "error", "", "", "v2", "")},
			history.Refused, map[string]string{"web1": "failed >"}},
		{"RefusedAtFetch", []*journal{(&journal{host: "web1", id: "r", cmd: cmd}).add("lock", "ok", "", "", "", "").add("fetch", "error", "", "", "v2", "")},
			history.Refused, map[string]string{"web1": "failed >"}},
		{"NoChange", []*journal{untouched}, history.NoChange, map[string]string{"web3": "unchanged >"}},
		{"Paused", []*journal{inPlace("web1", "r", cmd, 0, "v1", "v2", "healthy").add("pending", "ok", "", "", "v2", "").setReason("paused canary, rollout r"), untouched},
			history.Paused, map[string]string{"web1": "changed v1>v2", "web3": "unchanged >"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := merge(tc.js...)
			if len(rs) != 1 {
				t.Fatalf("%d rollouts", len(rs))
			}
			if rs[0].Result != tc.want {
				t.Errorf("result %q, want %q", rs[0].Result, tc.want)
			}
			if got := results(rs[0]); !reflect.DeepEqual(got, tc.hosts) {
				t.Errorf("hosts %v, want %v", got, tc.hosts)
			}
		})
	}
}

func (j *journal) setReason(r string) *journal {
	j.entries[len(j.entries)-1].Reason = r
	return j
}

// TestMerge_Slots: with slots the host's version moves with serve; a
// switch only points the idle slot.
func TestMerge_Slots(t *testing.T) {
	surge := &journal{host: "web1", id: "r", cmd: "fleet rollout"}
	surge.add("switch", "ok", "v0", "v2", "v2", "green").add("restart", "ok", "", "", "", "green").
		add("health", "healthy", "", "", "v2", "green").add("serve", "ok", "v1", "v2", "v2", "green").
		add("stop", "ok", "", "", "", "blue")
	discarded := &journal{host: "web2", id: "r", cmd: "fleet rollout"}
	discarded.add("switch", "ok", "v0", "v2", "v2", "green").add("restart", "ok", "", "", "", "green").
		add("health", "unhealthy", "", "", "v2", "green").add("stop", "ok", "", "", "", "green")

	rs := merge(surge)
	if got := results(rs[0]); got["web1"] != "changed v1>v2" || rs[0].Result != history.Succeeded {
		t.Errorf("surge: %v, %s", got, rs[0].Result)
	}
	rs = merge(discarded)
	if got := results(rs[0]); got["web2"] != "failed >" || rs[0].Result != history.RolledBack {
		t.Errorf("discarded prepare: %v, %s", got, rs[0].Result)
	}
}

func TestMerge_CommandOf(t *testing.T) {
	for line, want := range map[string]string{
		"/usr/bin/fleet rollback -i x": "rollback",
		"fleet promote":                "promote",
		"fleet -x rollout":             "rollout",
		"something else":               "",
	} {
		rs := merge((&journal{host: "h", id: "r", cmd: line}).add("lock", "ok", "", "", "", ""))
		if rs[0].Command != want {
			t.Errorf("%q: command %q, want %q", line, rs[0].Command, want)
		}
	}
}

// TestMerge_ExpiredSession: a host whose agent gave the lock up because the
// controller went silent is incomplete, and its error says so; the expiry
// of a host that had finished leaves its result alone.
func TestMerge_ExpiredSession(t *testing.T) {
	const cmd = "fleet rollout"
	expired := (&journal{host: "web1", id: "r", cmd: cmd}).add("lock", "ok", "", "", "", "").
		add("switch", "ok", "v1", "v2", "v2", "").add("restart", "ok", "", "", "", "").add("lock", "expired", "", "", "", "")
	expired.entries[len(expired.entries)-1].Error = "controller silent for 10s"
	done := inPlace("web2", "r", cmd, 0, "v1", "v2", "healthy").add("lock", "expired", "", "", "", "")

	rs := merge(expired, done)
	if len(rs) != 1 || rs[0].Result != history.Incomplete {
		t.Fatalf("rollouts %+v, want one, incomplete", rs)
	}
	want := map[string]string{"web1": "incomplete v1>v2", "web2": "changed v1>v2"}
	if got := results(rs[0]); !reflect.DeepEqual(got, want) {
		t.Errorf("hosts %v, want %v", got, want)
	}
	if e := rs[0].Hosts[0].Error; e != "session expired: controller silent for 10s" {
		t.Errorf("web1 error %q", e)
	}
}

// A gray release rolled back by its analysis: the canary's journal holds
// the verdict, and the rollout says why it was rolled back; a successful
// verdict is no reason.
func TestMerge_WhyFromVerdict(t *testing.T) {
	cmd := "fleet rollout -i inv --artifact b --version v2"
	canary := inPlace("web1", "r", cmd, 0, "v1", "v2", "healthy").
		add("verdict", "successful", "", "", "v2", "").setReason("analysis step 2: error_rate 0 < 0.01").
		add("verdict", "failed", "", "", "v2", "").setReason("analysis step 4: error_rate 0.05 ≥ 0.01 (condition < 0.01)").
		add("switch", "ok", "v2", "v1", "v1", "").add("restart", "ok", "", "", "", "").add("health", "healthy", "", "", "v1", "")
	rs := merge(canary)
	if len(rs) != 1 || rs[0].Why != "failed: analysis step 4: error_rate 0.05 ≥ 0.01 (condition < 0.01)" {
		t.Fatalf("why = %q", rs[0].Why)
	}
	if rs[0].Result != history.RolledBack {
		t.Errorf("result %q, want rolled-back", rs[0].Result)
	}
	if rs := merge(inPlace("web1", "r", cmd, 0, "v1", "v2", "healthy")); rs[0].Why != "" {
		t.Errorf("why %q for a run without a verdict", rs[0].Why)
	}
}

// TestMerge_ChangeNoteAndRevision: a rollout's change note and the
// revision of the release it switched hosts to come from its entries.
func TestMerge_ChangeNoteAndRevision(t *testing.T) {
	j := inPlace("web1", "r1", "fleet rollout -a v1", 0, "", "v1", "healthy")
	for i := range j.entries {
		j.entries[i].ChangeNote = "fix the retry storm"
		if j.entries[i].Op == "switch" {
			j.entries[i].Revision, j.entries[i].Dirty = "1a2b3c4d5e6f", true
		}
	}
	plain := inPlace("web1", "r2", "fleet rollout -a v2", time.Hour, "v1", "v2", "healthy")
	rs := merge(j, plain)
	if r := rs[0]; r.ChangeNote != "fix the retry storm" || r.Revision != "1a2b3c4d5e6f" || !r.Dirty {
		t.Errorf("r1: note %q revision %q dirty %v", r.ChangeNote, r.Revision, r.Dirty)
	}
	if r := rs[1]; r.ChangeNote != "" || r.Revision != "" || r.Dirty {
		t.Errorf("r2: note %q revision %q dirty %v, want none", r.ChangeNote, r.Revision, r.Dirty)
	}
}
