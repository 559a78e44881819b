package report_test

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/report"
)

// TestWriteJUnit_Changelog: each changelog entry is a test case of
// fleet.<command>.changelog whose output lists the commits with their
// authors (what Jenkins shows on the case's page); one without a list is
// skipped with the reason; the change note stays a property.
func TestWriteJUnit_Changelog(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	r := sample()
	r.ChangeNote = "fix the retry storm"
	r.Changelog = []report.Change{
		{From: "1a2b3c4d5e6f7a8b9c0d", To: "9f8e7d6c5b4a3a2a1a0a", FromCommit: "1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d",
			ToCommit: "9f8e7d6c5b4a3a2a1a0a9f8e7d6c5b4a3a2a1a0a", Direction: "forward", Hosts: 2, More: 1,
			Commits: []report.Commit{
				{Hash: "9f8e7d6c5b4a3a2a1a0a9f8e7d6c5b4a3a2a1a0a", Author: "Ada Lovelace", Time: at, Subject: "fix the <retry> storm"},
				{Hash: "5e6f7a8b9c0d5e6f7a8b9c0d5e6f7a8b9c0d5e6f", Author: "Grace Hopper", Time: at, Subject: "add /healthz"},
			}},
		{From: "", To: "9f8e7d6c5b4a3a2a1a0a", Hosts: 1, Commits: []report.Commit{},
			Reason: "the running release has no known revision\nmore"},
		{From: "9f8e7d6c5b4a", To: "v1.2.0", ToCommit: "1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d", Direction: "reverse", Hosts: 1,
			Commits: []report.Commit{{Hash: "9f8e7d6c5b4a3a2a1a0a9f8e7d6c5b4a3a2a1a0a", Author: "Ada Lovelace", Time: at, Subject: "x"}}},
	}
	var b bytes.Buffer
	if err := r.WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Skipped int `xml:"skipped,attr"`
		Suites  []struct {
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Classname string `xml:"classname,attr"`
				Name      string `xml:"name,attr"`
				Skipped   *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
				SystemOut string `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	s := doc.Suites[0]
	note := false
	for _, p := range s.Properties {
		note = note || p.Name == "change_note" && p.Value == r.ChangeNote
	}
	if !note {
		t.Errorf("no change_note property: %+v", s.Properties)
	}
	type got struct{ name, out, skipped string }
	var cases []got
	for _, c := range s.Cases {
		if c.Classname != "fleet.rollout.changelog" {
			continue
		}
		g := got{name: c.Name, out: c.SystemOut}
		if c.Skipped != nil {
			g.skipped = c.Skipped.Message
		}
		cases = append(cases, g)
	}
	want := []got{
		{name: "1a2b3c4d5e6f → 9f8e7d6c5b4a", out: "2 hosts: 3 new commits\n" +
			"9f8e7d6c5b4a Ada Lovelace: fix the <retry> storm\n5e6f7a8b9c0d Grace Hopper: add /healthz\n… and 1 more"},
		{name: "(unknown) → 9f8e7d6c5b4a", skipped: "no changelog: the running release has no known revision"},
		{name: "9f8e7d6c5b4a → 1a2b3c4d5e6f", out: "1 host: rollback, removes 1 commit\n9f8e7d6c5b4a Ada Lovelace: x"},
	}
	if len(cases) != len(want) {
		t.Fatalf("changelog cases %+v, want %+v", cases, want)
	}
	for i := range want {
		if cases[i] != want[i] {
			t.Errorf("case %d = %+v, want %+v", i, cases[i], want[i])
		}
	}
	if base := parseJUnit(t, sample()); doc.Skipped != base.Skipped+1 {
		t.Errorf("skipped = %d, want the sample's %d and the changelog without a list", doc.Skipped, base.Skipped)
	}
	if strings.Contains(b.String(), "<retry>") {
		t.Errorf("subject not escaped:\n%s", b.String())
	}
}
