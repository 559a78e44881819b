package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/report"
)

// junit is the part of JUnit XML a CI server reads.
type junit struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Classname string  `xml:"classname,attr"`
			Name      string  `xml:"name,attr"`
			Time      float64 `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func sample() report.Report {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return report.Report{
		Schema: report.Schema, Command: "rollout", RolloutID: "r1", Version: "v2",
		Result: report.RolledBack, ExitCode: 1, Error: "host web2: activate: unhealthy\nmore",
		Started: t0, Finished: t0.Add(9 * time.Second), Duration: report.Of(9 * time.Second),
		Hosts: []report.Host{
			{Name: "web1", From: "v1", To: "v2", Mode: "in-place", Wave: 1, State: "rolled-back", Result: report.HostRolledBack, Duration: 1500},
			{Name: "web2", From: "v1", To: "v2", Mode: "in-place", Wave: 2, State: "rolled-back", Result: report.HostFailed, Duration: 2000, Error: "health: unhealthy: http: 500 <&>"},
			{Name: "web3", From: "v1", To: "v2", Wave: 3, State: "not-started", Result: report.HostNotStarted},
			{Name: "web4", From: "v2", To: "v2", State: "skipped", Result: report.HostUnchanged},
			{Name: "web5", From: "v1", To: "v2", Wave: 1, State: "rollback-failed", Result: report.HostStranded, Error: "switch: boom"},
		},
		Waves: []report.Wave{
			{Number: 1, Canary: true, Hosts: []string{"web1", "web5"}, Result: report.WavePassed, Duration: 1500},
			{Number: 2, Hosts: []string{"web2"}, Result: report.WaveFailed, Failed: []string{"web2"}, Duration: 2000},
			{Number: 3, Hosts: []string{"web3"}, Result: report.WaveNotRun},
		},
		Bake: &report.Gate{Name: "canary bake", Result: report.WavePassed, Duration: 3000},
	}
}

func parseJUnit(t *testing.T, r report.Report) junit {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	var j junit
	if err := xml.Unmarshal(b.Bytes(), &j); err != nil {
		t.Fatalf("not XML: %v\n%s", err, b.String())
	}
	if !strings.HasPrefix(b.String(), "<?xml") {
		t.Errorf("no XML header:\n%s", b.String())
	}
	return j
}

func TestWriteJUnit_HostsWavesAndBake(t *testing.T) {
	j := parseJUnit(t, sample())
	if j.Tests != 9 || j.Failures != 2 || j.Errors != 1 || j.Skipped != 4 || len(j.Suites) != 1 {
		t.Fatalf("totals %+v", j)
	}
	s := j.Suites[0]
	if s.Name != "fleet rollout r1" || s.Tests != 9 || s.Failures != 2 {
		t.Errorf("suite %s: %d tests, %d failures", s.Name, s.Tests, s.Failures)
	}
	got := map[string]string{}
	for _, c := range s.Cases {
		v := "passed"
		switch {
		case c.Failure != nil:
			v = "failure: " + c.Failure.Message
		case c.Error != nil:
			v = "error: " + c.Error.Message
		case c.Skipped != nil:
			v = "skipped: " + c.Skipped.Message
		}
		got[c.Classname+"/"+c.Name] = v
	}
	want := map[string]string{
		"fleet.rollout.hosts/web1":                 "skipped: rolled back to v1 after the run failed elsewhere",
		"fleet.rollout.hosts/web2":                 "failure: health: unhealthy: http: 500 <&>",
		"fleet.rollout.hosts/web3":                 "skipped: not started: the run stopped before this host",
		"fleet.rollout.hosts/web4":                 "skipped: already on v2",
		"fleet.rollout.hosts/web5":                 "error: switch: boom",
		"fleet.rollout.waves/wave 1 gate (canary)": "passed",
		"fleet.rollout.waves/wave 2 gate":          "failure: failed: web2",
		"fleet.rollout.waves/wave 3 gate":          "skipped: no host of this wave started",
		"fleet.rollout.waves/canary bake":          "passed",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cases\n got %v\nwant %v", got, want)
	}
	if c := s.Cases[1]; c.Time != 2 {
		t.Errorf("web2 time %v, want 2 (seconds)", c.Time)
	}
}

func TestWriteJUnit_NotStarted(t *testing.T) {
	r := report.Report{Command: "rollout", Result: report.NotStarted, ExitCode: 3, Error: "lock: held by x\nsecond line"}
	j := parseJUnit(t, r)
	if j.Tests != 1 || j.Failures != 1 || j.Suites[0].Cases[0].Name != "start" ||
		j.Suites[0].Cases[0].Failure.Message != "lock: held by x" {
		t.Errorf("junit %+v", j)
	}
}

func TestWriteJSON_RoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := sample().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back report.Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, sample()) {
		t.Errorf("round trip\n got %+v\nwant %+v", back, sample())
	}
	for _, key := range []string{`"schema": 1`, `"result": "rolled-back"`, `"exit_code": 1`, `"duration_ms": 9000`, `"host": "web2"`} {
		if !strings.Contains(b.String(), key) {
			t.Errorf("JSON lacks %s:\n%s", key, b.String())
		}
	}
}

func TestWriteFile_Atomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	if err := report.WriteFile(path, sample().WriteJSON); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind %v", entries)
	}
	if err := report.WriteFile(filepath.Join(dir, "missing", "x.xml"), sample().WriteJUnit); err == nil {
		t.Error("wrote into a missing directory")
	}
}

// A gray release's analyses are test cases of their own: a failed one is
// a failure with the verdict's reason, an inconclusive one skipped.
func TestWriteJUnit_Analyses(t *testing.T) {
	r := sample()
	r.Analyses = []report.Gate{
		{Name: "analysis step 2", Result: report.WavePassed, Duration: 6000},
		{Name: "analysis step 4", Result: report.WaveFailed, Duration: 4000, Error: "error_rate 0.05 ≥ 0.01 (condition < 0.01)"},
		{Name: "analysis step 6", Result: report.GateInconclusive, Error: "p90 no data"},
	}
	j := parseJUnit(t, r)
	got := map[string]string{}
	for _, c := range j.Suites[0].Cases {
		if c.Classname != "fleet.rollout.analyses" {
			continue
		}
		switch {
		case c.Failure != nil:
			got[c.Name] = "failure: " + c.Failure.Message
		case c.Skipped != nil:
			got[c.Name] = "skipped: " + c.Skipped.Message
		default:
			got[c.Name] = "passed"
		}
	}
	want := map[string]string{"analysis step 2": "passed",
		"analysis step 4": "failure: error_rate 0.05 ≥ 0.01 (condition < 0.01)", "analysis step 6": "skipped: inconclusive: p90 no data"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("analysis cases %v, want %v", got, want)
	}
}

// TestWriteJUnit_ChangeNoteAndProvenance: the change note, revision,
// build and a dirty build are suite properties; none is written when
// empty.
func TestWriteJUnit_ChangeNoteAndProvenance(t *testing.T) {
	r := sample()
	r.ChangeNote, r.Revision, r.Dirty, r.Build = "fix <the> retry storm", "1a2b3c4d5e6f", true, "example.com/app@v1 rev 1a2b3c4d5e6f (dirty)"
	var b bytes.Buffer
	if err := r.WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<property name="change_note" value="fix &lt;the&gt; retry storm"></property>`,
		`<property name="revision" value="1a2b3c4d5e6f"></property>`, `<property name="dirty" value="true"></property>`,
		`<property name="build" value="example.com/app@v1 rev 1a2b3c4d5e6f (dirty)"></property>`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("junit lacks %s:\n%s", want, b.String())
		}
	}
	b.Reset()
	if err := sample().WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"change_note", "revision", "dirty", "build"} {
		if strings.Contains(b.String(), `name="`+name+`"`) {
			t.Errorf("junit without them has property %s", name)
		}
	}
}
