package deploy

import "testing"

// TestMajority: the majority version is ahead of every other; a tie has
// none, and rows without an answer mark no drift.
func TestMajority(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
		ok   bool
	}{
		{[]string{"v1", "v1", "v2"}, "v1", true},
		{[]string{"v2"}, "v2", true},
		{[]string{"v1", "v2"}, "", false},
		{[]string{"", "", "v1"}, "", true},
		{nil, "", false},
	} {
		got, ok := majority(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("majority(%q) = %q, %v", tc.in, got, ok)
		}
	}
	rows := []HostStatus{{Host: "a"}, {Host: "b"}}
	if note := markDrift(rows); note != "" || rows[0].Drift {
		t.Errorf("no answers: %q %+v", note, rows)
	}
}
