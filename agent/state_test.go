package agent

import (
	"slices"
	"testing"
	"time"
)

func TestState_Previous(t *testing.T) {
	at := func(s int) time.Time { return time.Unix(int64(s), 0) }
	all := func(string) bool { return true }
	tests := []struct {
		name      string
		history   []historyEntry
		current   string
		installed func(string) bool
		want      string
	}{
		{"none yet", nil, "1", all, ""},
		{"only current healthy", []historyEntry{{"1", at(1), resultHealthy}}, "1", all, ""},
		{"most recent healthy", []historyEntry{
			{"1", at(1), resultHealthy}, {"2", at(2), resultHealthy}, {"3", at(3), resultHealthy},
		}, "3", all, "2"},
		{"skips a failed release", []historyEntry{
			{"1", at(1), resultHealthy}, {"2", at(2), resultUnhealthy},
		}, "3", all, "1"},
		{"latest verdict counts", []historyEntry{
			{"1", at(1), resultHealthy}, {"2", at(2), resultHealthy}, {"2", at(3), resultUnhealthy},
		}, "3", all, "1"},
		{"a re-verified release moves up", []historyEntry{
			{"1", at(1), resultHealthy}, {"2", at(2), resultHealthy}, {"1", at(3), resultHealthy},
		}, "3", all, "1"},
		{"pruned releases are skipped", []historyEntry{
			{"1", at(1), resultHealthy}, {"2", at(2), resultHealthy},
		}, "3", func(v string) bool { return v != "2" }, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := state{History: tt.history}
			if got := st.previous(tt.current, tt.installed); got != tt.want {
				t.Errorf("previous = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPruneVictims(t *testing.T) {
	rels := func(vs ...string) []releaseMeta {
		var out []releaseMeta
		for _, v := range vs {
			out = append(out, releaseMeta{Version: v})
		}
		return out
	}
	prot := func(vs ...string) map[string]bool {
		m := map[string]bool{}
		for _, v := range vs {
			m[v] = true
		}
		return m
	}
	tests := []struct {
		name      string
		rels      []releaseMeta
		keep      int
		protected map[string]bool
		want      []string
	}{
		{"fewer than keep", rels("1", "2"), 3, prot(), nil},
		{"oldest go first", rels("1", "2", "3", "4"), 2, prot("4"), []string{"1", "2"}},
		{"protected survive keep=1", rels("1", "2", "3", "4"), 1, prot("1", "3"), []string{"2"}},
		{"current older than keep", rels("1", "2", "3"), 1, prot("1"), []string{"2"}},
		// 1 good, 2 current, bad failed its gate, 3 previous: the failed
		// release goes, not the oldest good one.
		{"a failed release goes before an older good one", rels("1", "2", "bad", "3"), 3, prot("2", "3"), []string{"bad"}},
		{"failed releases go oldest first", rels("1", "bad1", "bad2", "2"), 2, prot("2"), []string{"bad1", "bad2"}},
		{"a protected failed release stays", rels("1", "bad", "2"), 1, prot("bad", "2"), []string{"1"}},
	}
	failed := map[string]bool{"bad": true, "bad1": true, "bad2": true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pruneVictims(tt.rels, tt.keep, tt.protected, failed); !slices.Equal(got, tt.want) {
				t.Errorf("victims = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestState_RecordCompactsHistory(t *testing.T) {
	var st state
	at := func(s int) time.Time { return time.Unix(int64(s), 0) }
	st.record("1", at(1), resultHealthy)
	st.record("2", at(2), resultHealthy)
	for i := range 10 {
		st.record("1", at(3+i), resultHealthy)
	}
	st.record("1", at(20), resultUnhealthy)
	st.record("1", at(21), resultUnhealthy)
	want := []historyEntry{{"2", at(2), resultHealthy}, {"1", at(12), resultHealthy}, {"1", at(21), resultUnhealthy}}
	if !slices.Equal(st.History, want) {
		t.Fatalf("history = %v, want %v", st.History, want)
	}
	if !st.healthyEver("1") || st.previous("3", func(string) bool { return true }) != "2" || st.LastGood != "1" {
		t.Errorf("after compaction: healthyEver(1)=%v previous=%q last_good=%q",
			st.healthyEver("1"), st.previous("3", func(string) bool { return true }), st.LastGood)
	}
}

func TestState_FailedNeverPassedItsGate(t *testing.T) {
	var st state
	at := func(s int) time.Time { return time.Unix(int64(s), 0) }
	st.record("good", at(1), resultHealthy)
	st.record("bad", at(2), resultUnhealthy)
	st.record("fell", at(3), resultHealthy)
	st.record("fell", at(4), resultUnhealthy)
	st.record("recovered", at(5), resultUnhealthy)
	st.record("recovered", at(6), resultHealthy)
	st.record("abandoned", at(7), resultSwitched)
	st.record("abandoned", at(8), resultRejected)
	got := st.failed()
	if len(got) != 2 || !got["bad"] || !got["abandoned"] {
		t.Errorf("failed = %v, want bad and abandoned (never healthy here); fell passed once", got)
	}
}
